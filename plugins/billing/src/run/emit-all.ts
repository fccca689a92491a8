import type { Billing } from '../context.ts';

export interface BillingEvent {
  name: string;
  payload: Record<string, unknown>;
}

/** A batch step's events in one `emitMany`, in the step's transaction and for its tenant. */
export async function emitAll(b: Billing, events: BillingEvent[]): Promise<void> {
  if (events.length) await b.plugin.events.emitMany(events, { trx: b.db.trx, tenantId: b.tenantId });
}
