import { ConflictError, HttpError, NotFoundError, assertClientOwns, scopeToClient } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { isoTime, paginate, type Page } from '../db.ts';
import { ledgerBalance } from '../domain/ledger.ts';
import { portalUsersRef } from '../ports.ts';

export interface ClientInput {
  email: string;
  firstName: string;
  lastName: string;
  companyName?: string | null;
  country: string;
  state?: string | null;
  currency?: string;
  taxId?: string | null;
  taxExempt?: boolean;
  address?: Record<string, string>;
  notes?: string | null;
  /** The client's language for mails (`de`); null: the tenant's default (English). */
  language?: string | null;
  status?: 'active' | 'inactive' | 'closed';
  password?: string;
}

export type ClientRow = Record<string, unknown> & { id: string; currency: string; country: string };

export function toClient(row: Record<string, unknown>, creditBalance?: number) {
  return {
    id: row.id as string,
    email: row.email as string,
    firstName: row.first_name as string,
    lastName: row.last_name as string,
    companyName: (row.company_name as string | null) ?? null,
    country: row.country as string,
    state: (row.state as string | null) ?? null,
    currency: row.currency as string,
    taxId: (row.tax_id as string | null) ?? null,
    taxExempt: row.tax_exempt as boolean,
    address: row.address as Record<string, string>,
    notes: (row.notes as string | null) ?? null,
    language: (row.language as string | null) ?? null,
    status: row.status as string,
    ...(creditBalance === undefined ? {} : { creditBalance }),
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

const COLUMNS: Record<string, string> = {
  email: 'email', firstName: 'first_name', lastName: 'last_name', companyName: 'company_name', country: 'country',
  state: 'state', currency: 'currency', taxId: 'tax_id', taxExempt: 'tax_exempt', address: 'address', notes: 'notes', language: 'language', status: 'status',
};

function columnsOf(input: Partial<ClientInput>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(COLUMNS)) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[column] = key === 'address' ? JSON.stringify(value) : value;
  }
  return out;
}

async function emailTaken(b: Billing, email: string, exceptId?: string): Promise<boolean> {
  const q = b.db('clients').whereRaw('lower(email) = lower(?)', [email]);
  if (exceptId) q.whereNot('id', exceptId);
  return Boolean(await q.first('id'));
}

export async function createClient(b: Billing, input: ClientInput) {
  if (await emailTaken(b, input.email)) throw new ConflictError('A client with this email exists', { email: 'already used' });
  const [row] = await b.db.insert<ClientRow>('clients', columnsOf({ ...input, currency: input.currency ?? b.settings.defaultCurrency }));
  const client = toClient(row!, 0);
  let portalUserId: string | null = null;
  if (input.password) {
    const users = b.plugin.services.tryResolve(portalUsersRef);
    if (!users) throw new HttpError(501, 'Portal logins are not available on this platform');
    ({ id: portalUserId } = await users.createClientUser({
      email: input.email, password: input.password, clientId: client.id, name: `${input.firstName} ${input.lastName}`,
    }));
  }
  await b.emit('client.created', { clientId: client.id, email: client.email, portalUserId });
  return { ...client, portalUserId };
}

/** A client the caller may see (a client user: only its own); 404 otherwise. */
export async function getClientRow(b: Billing, id: string, lock = false): Promise<ClientRow> {
  assertClientOwns(b.principal ?? undefined, id);
  const q = b.db('clients').where('id', id);
  if (lock) q.forUpdate();
  const row = (await q.first()) as ClientRow | undefined;
  if (!row) throw new NotFoundError('Client not found');
  return row;
}

export async function creditBalance(b: Billing, clientId: string): Promise<number> {
  const rows = (await b.db('credit_ledger').where('client_id', clientId).select('amount')) as Array<{ amount: number }>;
  return ledgerBalance(rows.map((r) => ({ amount: Number(r.amount) })));
}

export async function getClient(b: Billing, id: string) {
  const row = await getClientRow(b, id);
  return toClient(row, await creditBalance(b, id));
}

export async function listClients(b: Billing, page: Page, filter: { search?: string; status?: string }) {
  const q = scopeToClient(b.db('clients'), b.principal ?? undefined, 'id');
  if (filter.status) q.where('status', filter.status);
  if (filter.search) {
    const like = `%${filter.search.replace(/[%_\\]/g, '\\$&')}%`;
    q.where((w) => w.whereILike('email', like).orWhereILike('company_name', like).orWhereILike('last_name', like));
  }
  return paginate(q, page, ['created_at', 'id'], (r) => toClient(r));
}

export async function updateClient(b: Billing, id: string, input: Partial<ClientInput>) {
  await getClientRow(b, id, true);
  if (input.email && (await emailTaken(b, input.email, id))) throw new ConflictError('A client with this email exists', { email: 'already used' });
  const changes = columnsOf(input);
  if (Object.keys(changes).length) await b.db('clients').where('id', id).update({ ...changes, updated_at: b.db.trx.fn.now() });
  await b.emit('client.updated', { clientId: id, fields: Object.keys(changes) });
  return getClient(b, id);
}

/** Only a client without invoices or services can be deleted; others are closed instead (409). */
export async function deleteClient(b: Billing, id: string): Promise<void> {
  await getClientRow(b, id, true);
  const used = await b.db('invoices').where('client_id', id).first('id') ?? await b.db('services').where('client_id', id).first('id') ?? await b.db('orders').where('client_id', id).first('id');
  if (used) throw new ConflictError('The client has orders, services or invoices; set its status to closed instead');
  await b.db('credit_ledger').where('client_id', id).delete();
  await b.db('clients').where('id', id).delete();
  await b.emit('client.deleted', { clientId: id });
}
