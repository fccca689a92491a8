import { api } from '@mpanel/sdk/ui/vue';
import type { Client } from '../types.ts';

/** The signed-in client's own account (the list answers only its own), with the credit balance. */
export async function ownClient(): Promise<Client | null> {
  const first = (await api.list<Client>('/clients', { perPage: 1 })).data[0];
  return first ? api.get<Client>(`/clients/${first.id}`) : null;
}
