import type { JobContext } from '@mpanel/sdk';
import { stripeCall, type StripePlugin } from './context.ts';
import { chargeOffSession, retryDelayDays } from './off-session.ts';
import { reconcileOpenIntents } from './reconcile.ts';

export const JOBS = { reconcile: 'reconcile', reconcileTenant: 'reconcile-tenant', chargeRetry: 'charge-retry' } as const;

/**
 * Every 15 minutes: one job per tenant that has intents not yet seen paid, each then working as
 * its tenant. Tenants are visited one by one under their own row-level security (ctx.forEachTenant).
 */
export async function fanOutReconcile(plugin: StripePlugin): Promise<number> {
  const bucket = Math.floor(Date.now() / 900_000);
  let queued = 0;
  await plugin.forEachTenant(async (tenant) => {
    const open = await tenant.transaction((trx) => trx('stripe_payment_intents').whereNull('payment_recorded_at').whereNot('status', 'canceled').first('id'));
    if (!open) return;
    await plugin.jobs.enqueue(JOBS.reconcileTenant, {}, { tenantId: tenant.id, jobId: `stripe-reconcile:${tenant.id}:${bucket}` });
    queued++;
  });
  return queued;
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
