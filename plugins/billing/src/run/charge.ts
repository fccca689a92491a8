import type { PaymentGateway, PaymentSession, PluginContext } from '@mpanel/sdk';
import type { Knex } from 'knex';
import type { BillingSettings } from '../settings.ts';
import type { IsoDate } from '../domain/dates.ts';
import { int } from '../db.ts';
import { usableGateways } from '../usable-gateways.ts';

type Plugin = PluginContext<Partial<BillingSettings>>;

/** Billing makes the first automatic attempt only; the gateway owns retries (Stripe: `retryScheduleDays`). */
export const BILLING_ATTEMPT = 1;

interface DueInvoice {
  id: string;
  number: string | null;
  client_id: string;
  currency: string;
  total: string | number;
  amount_paid: string | number;
  email: string;
  first_name: string;
  last_name: string;
  company_name: string | null;
}

/**
 * The billing run's charge step: every unpaid invoice due by `date` is offered once to the gateways
 * that keep saved payment methods (`chargeSaved`), attempt 1, until one charges it (a gateway
 * answers `client.skipped` when the client has no saved method there).
 *
 * Idempotent per invoice and attempt: the attempt is claimed in `invoice_charges` (unique) and
 * committed before the gateway is called, and the gateway call carries an idempotency key per
 * invoice and attempt, so a rerun, a concurrent run or a run killed halfway (its claim is left
 * `claimed` and called again) charges once. The gateway is called between billing's transactions:
 * it opens its own, in which the payment, `invoice.paid` and its own records commit together.
 * Retries of a failed or `requires_action` charge are the gateway's; billing never makes attempt 2.
 */
export async function chargeDueInvoices(plugin: Plugin, tenantId: string, date: IsoDate, batchSize = 200): Promise<Record<string, number>> {
  // Only gateways the tenant has set up: an enabled Stripe without keys would fail (and log) once per invoice.
  const gateways = await usableGateways(plugin, tenantId, (g) => g.capabilities.savedMethods && Boolean(g.chargeSaved));
  const counts: Record<string, number> = {};
  if (gateways.length === 0) return counts;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await plugin.db.transaction(tenantId, (trx) => claimBatch(trx, tenantId, date, after, batchSize));
    if (batch.length === 0) return counts;
    after = batch[batch.length - 1]!.id;
    for (const invoice of batch) {
      const outcome = await chargeOne(plugin, tenantId, gateways, invoice);
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
      await plugin.db.transaction(tenantId, (trx) => trx('invoice_charges')
        .where({ tenant_id: tenantId, invoice_id: invoice.id, attempt: BILLING_ATTEMPT, status: 'claimed' })
        .update({ ...outcome, updated_at: trx.fn.now() }));
    }
  }
}

/** The next due invoices (by id) whose attempt 1 is new or was left claimed; claims the new ones. */
async function claimBatch(trx: Knex.Transaction, tenantId: string, date: IsoDate, after: string, limit: number): Promise<DueInvoice[]> {
  const rows = (await trx('invoices as i')
    .join('clients as c', 'c.id', 'i.client_id')
    .leftJoin('invoice_charges as ch', (j) => j.on('ch.invoice_id', 'i.id').andOn('ch.attempt', trx.raw('?', [BILLING_ATTEMPT])))
    .where('i.tenant_id', tenantId).where('i.status', 'unpaid').where('i.kind', 'invoice')
    .where('i.due_date', '<=', date).whereRaw('i.total > i.amount_paid').where('i.id', '>', after)
    .where((q) => q.whereNull('ch.id').orWhere('ch.status', 'claimed'))
    .orderBy('i.id').limit(limit)
    .select('i.id', 'i.number', 'i.client_id', 'i.currency', 'i.total', 'i.amount_paid', 'c.email', 'c.first_name', 'c.last_name', 'c.company_name')) as DueInvoice[];
  if (rows.length) {
    await trx('invoice_charges')
      .insert(rows.map((r) => ({ tenant_id: tenantId, invoice_id: r.id, attempt: BILLING_ATTEMPT })))
      .onConflict(['invoice_id', 'attempt']).ignore();
  }
  return rows;
}

type ChargeOutcome = { status: 'succeeded' | 'failed' | 'requires_action' | 'pending' | 'skipped' | 'claimed'; gateway: string | null; transaction_id: string | null; reason: string | null };

async function chargeOne(plugin: Plugin, tenantId: string, gateways: Array<{ key: string; impl: PaymentGateway }>, invoice: DueInvoice): Promise<ChargeOutcome> {
  for (const { key, impl } of gateways) {
    let session: PaymentSession;
    try {
      session = await impl.chargeSaved!({ tenantId, settings: {} }, {
        invoiceId: invoice.id,
        invoiceNumber: invoice.number ?? invoice.id,
        amount: { amount: int(invoice.total) - int(invoice.amount_paid), currency: invoice.currency },
        customer: { clientId: invoice.client_id, email: invoice.email, name: invoice.company_name ?? `${invoice.first_name} ${invoice.last_name}` },
        paymentMethodId: '',
        metadata: { invoiceId: invoice.id, tenantId, attempt: String(BILLING_ATTEMPT) },
        idempotencyKey: `charge:${invoice.id}:${BILLING_ATTEMPT}`,
      });
    } catch (err) {
      // The gateway could not be asked (an outage): the claim stays, the next run calls again under the same key.
      plugin.logger.error({ err, invoiceId: invoice.id, gateway: key }, 'Automatic charge failed to run');
      return { status: 'claimed', gateway: null, transaction_id: null, reason: (err as Error).message };
    }
    if (session.client?.skipped) continue;
    const reason = session.client?.reason;
    return { status: session.status, gateway: key, transaction_id: session.id || null, reason: typeof reason === 'string' ? reason : null };
  }
  return { status: 'skipped', gateway: null, transaction_id: null, reason: 'no saved payment method' };
}
