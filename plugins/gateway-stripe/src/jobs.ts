import type { JobContext } from '@mpanel/sdk';
import { stripeCall, type StripePlugin } from './context.ts';
import { chargeOffSession, retryDelayDays } from './off-session.ts';
import { reconcileOpenIntents } from './reconcile.ts';

export const JOBS = { reconcile: 'reconcile', reconcileTenant: 'reconcile-tenant', chargeRetry: 'charge-retry' } as const;

/**
 * Every 15 minutes: one job per tenant that has intents not yet seen paid (read across tenants on
 * the root connection, the only cross-tenant read the plugin makes), each then working as its tenant.
 */
export async function fanOutReconcile(plugin: StripePlugin): Promise<number> {
  const rows = (await plugin.db.knex('stripe_payment_intents').whereNull('payment_recorded_at').whereNot('status', 'canceled').distinct('tenant_id')) as Array<{ tenant_id: string }>;
  const bucket = Math.floor(Date.now() / 900_000);
  for (const { tenant_id } of rows) await plugin.jobs.enqueue(JOBS.reconcileTenant, {}, { tenantId: tenant_id, jobId: `stripe-reconcile:${tenant_id}:${bucket}` });
  return rows.length;
}

export async function reconcileTenant(plugin: StripePlugin, job: JobContext): Promise<Record<string, number>> {
  const tenantId = job.tenantId!;
  return job.transaction(async (trx) => reconcileOpenIntents(await stripeCall(plugin, tenantId, trx)));
}

export interface ChargeRetryData {
  invoiceId: string;
  attempt: number;
}

/** After a failed automatic charge, the next attempt on the tenant's schedule (1, 3, 7 days by default). */
export async function scheduleRetry(plugin: StripePlugin, tenantId: string, invoiceId: string, failedAttempt: number): Promise<boolean> {
  const schedule = (await plugin.settings.get(tenantId)).retryScheduleDays ?? [1, 3, 7];
  const days = retryDelayDays(failedAttempt, schedule);
  if (days === undefined) return false;
  const next = failedAttempt + 1;
  await plugin.jobs.enqueue<ChargeRetryData>(JOBS.chargeRetry, { invoiceId, attempt: next }, { tenantId, delayMs: days * 86_400_000, jobId: `stripe-charge:${invoiceId}:${next}` });
  return true;
}

export async function chargeRetry(plugin: StripePlugin, job: JobContext<ChargeRetryData>): Promise<string> {
  const tenantId = job.tenantId!;
  return job.transaction(async (trx) => {
    const call = await stripeCall(plugin, tenantId, trx);
    const invoice = await call.billing.getInvoice(job.data.invoiceId);
    if (!invoice) return 'unknown-invoice';
    const result = await chargeOffSession(call, invoice, { attempt: job.data.attempt });
    if (result.status === 'failed' || result.status === 'requires_action') await scheduleRetry(plugin, tenantId, invoice.id, result.attempt);
    return result.status;
  });
}
