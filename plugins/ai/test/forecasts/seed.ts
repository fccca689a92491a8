import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Billing history written straight into billing's tables (as the owner connection, tenant_id set
 * by hand): years of payments would take thousands of API calls. Only the columns billing requires.
 */
export class BillingSeed {
  private n = 0;
  constructor(private readonly knex: Knex, readonly tenantId: string, readonly currency = 'USD') {}

  private next(): number {
    return ++this.n;
  }

  async client(status = 'active'): Promise<string> {
    const [row] = await this.knex('clients').insert({
      tenant_id: this.tenantId, email: `c${this.next()}-${randomUUID()}@seed.test`, first_name: 'Seed', last_name: `Client ${this.n}`, country: 'US', currency: this.currency, status,
    }).returning('id');
    return (row as { id: string }).id;
  }

  async product(): Promise<string> {
    const [row] = await this.knex('products').insert({ tenant_id: this.tenantId, name: `Plan ${this.next()}`, type: 'hosting' }).returning('id');
    return (row as { id: string }).id;
  }

  async service(clientId: string, productId: string, s: { status?: string; cycle?: string; amount: number; start: string; end?: string; cancellationType?: string }): Promise<string> {
    const [row] = await this.knex('services').insert({
      tenant_id: this.tenantId, client_id: clientId, product_id: productId, status: s.status ?? 'active', cycle: s.cycle ?? 'monthly', currency: this.currency,
      amount: s.amount, registration_date: s.start, anchor_day: 1, termination_date: s.end ?? null, cancellation_type: s.cancellationType ?? null,
    }).returning('id');
    return (row as { id: string }).id;
  }

  async payment(clientId: string, amount: number, paidAt: Date): Promise<void> {
    await this.knex('payments').insert({
      tenant_id: this.tenantId, client_id: clientId, gateway: 'manual', transaction_id: `tx-${this.next()}-${randomUUID()}`, amount, applied: amount, currency: this.currency, paid_at: paidAt,
    });
  }

  /** An invoice: `unpaid` past `due`, or `paid` at `paidAt`. */
  async invoice(clientId: string, i: { status: 'unpaid' | 'paid'; total: number; due: string; paidAt?: Date }): Promise<void> {
    await this.knex('invoices').insert({
      tenant_id: this.tenantId, client_id: clientId, number: `INV-${this.next()}-${randomUUID().slice(0, 8)}`, status: i.status, currency: this.currency,
      subtotal: i.total, total: i.total, amount_paid: i.status === 'paid' ? i.total : 0, issue_date: i.due, due_date: i.due, paid_at: i.paidAt ?? null,
    });
  }

  async downgrade(clientId: string, serviceId: string): Promise<void> {
    await this.knex('credit_ledger').insert({ tenant_id: this.tenantId, client_id: clientId, amount: 500, currency: this.currency, reason: `downgrade of service ${serviceId}` });
  }
}

export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * 86_400_000);
}

export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
