import { ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { anchorDayOf, isBillingCycle, type BillingCycle } from '../domain/cycles.ts';
import { isIsoDate } from '../domain/dates.ts';
import { getProduct, unitPrice } from './catalogue.ts';

/**
 * Taking over customers who already exist elsewhere (accounts on a cPanel or Hestia server moved
 * to mPanel): clients and services are written as they are, with no order, no invoice, no welcome
 * mail and no `service.activated` (which would provision). The events say `imported` so nothing
 * that mails or provisions listens to them.
 */
export interface ImportClientInput {
  email: string;
  firstName: string;
  lastName: string;
  country: string;
  companyName?: string | null;
}

export interface ImportServiceInput {
  clientId: string;
  productId: string;
  cycle: BillingCycle;
  /** The first date billing invoices this service (the end of what the customer already paid). */
  nextDueDate: string;
  status: 'active' | 'suspended';
  domain?: string | null;
  /** Per period, minor units; default the product's price in the client's currency. */
  amount?: number;
  suspendReason?: string | null;
}

/** An existing client for an account: by e-mail (case-insensitive), else by a service's domain. */
export async function matchClient(b: Billing, by: { email?: string | null; domain?: string | null }): Promise<{ clientId: string; by: 'email' | 'domain' } | null> {
  if (by.email) {
    const row = (await b.db('clients').whereRaw('lower(email) = lower(?)', [by.email]).first('id')) as { id: string } | undefined;
    if (row) return { clientId: row.id, by: 'email' };
  }
  if (by.domain) {
    const row = (await b.db('services').whereRaw('lower(domain) = lower(?)', [by.domain]).whereNot('status', 'terminated').orderBy('created_at').first('client_id')) as { client_id: string } | undefined;
    if (row) return { clientId: row.client_id, by: 'domain' };
  }
  return null;
}

/** The client with this e-mail, or a new one: no portal login, no welcome mail. */
export async function importClient(b: Billing, input: ImportClientInput): Promise<{ id: string; created: boolean }> {
  const existing = await matchClient(b, { email: input.email });
  if (existing) return { id: existing.clientId, created: false };
  const [row] = await b.db.insert<{ id: string }>('clients', {
    email: input.email, first_name: input.firstName, last_name: input.lastName, company_name: input.companyName ?? null,
    country: input.country.toUpperCase(), currency: b.settings.defaultCurrency,
  });
  await b.emit('client.imported', { clientId: row!.id, email: input.email });
  return { id: row!.id, created: true };
}

/** Why a product cannot take imported services in this cycle (null: it can). */
export async function importProblem(b: Billing, productId: string, cycle: string): Promise<string | null> {
  if (!isBillingCycle(cycle)) return `${cycle} is not a billing cycle`;
  const row = await b.db('products').where('id', productId).first('id');
  if (!row) return 'is not a product of this tenant';
  const product = await getProduct(b, productId);
  return product.pricing.some((p) => p.cycle === cycle) ? null : `${product.name} is not sold ${cycle}`;
}

export async function importService(b: Billing, input: ImportServiceInput): Promise<{ id: string }> {
  if (!isIsoDate(input.nextDueDate)) throw new ValidationError({ nextDueDate: 'must be YYYY-MM-DD' });
  const client = (await b.db('clients').where('id', input.clientId).first('id', 'currency')) as { id: string; currency: string } | undefined;
  if (!client) throw new ValidationError({ clientId: 'is not a client of this tenant' });
  const product = await getProduct(b, input.productId);
  const amount = input.amount ?? unitPrice(product, client.currency, input.cycle).amount;
  const [row] = await b.db.insert<{ id: string }>('services', {
    client_id: client.id, product_id: product.id, order_id: null, status: input.status, cycle: input.cycle, currency: client.currency,
    amount, quantity: 1, domain: input.domain ?? null, config: '{}', registration_date: b.today,
    anchor_day: anchorDayOf(input.nextDueDate), next_due_date: input.cycle === 'onetime' ? null : input.nextDueDate,
    suspend_reason: input.status === 'suspended' ? (input.suspendReason ?? 'imported suspended') : null,
  });
  await b.emit('service.imported', { serviceId: row!.id, clientId: client.id, productId: product.id });
  return { id: row!.id };
}
