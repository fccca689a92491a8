import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import { WakeableLoop } from '../events/wakeable-loop.ts';
import type { OutboxRow } from '../events/dispatcher.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { postJson } from './http-post.ts';
import { signPayload, SIGNATURE_HEADER } from './signature.ts';

export interface WebhookOptions {
  allowPrivateTargets: boolean;
  /** First retry delay; doubles each attempt (default 30 s). Deliveries give up after 3 days. */
  retryBaseMs?: number;
}

/** The field webhook signing secrets are sealed for (see crypto/secret-box.ts). */
export const WEBHOOK_SECRET_FIELD = 'webhooks.secret';

const GIVE_UP_MS = 3 * 24 * 3600_000;
const LEASE_MS = 60_000;

/**
 * Outgoing webhooks: the dispatcher's fan-out creates one delivery per matching subscription in
 * the same transaction that marks the event dispatched; this worker POSTs them signed, outside
 * any transaction (a slow receiver must not hold a database connection), retrying with
 * exponential backoff for up to 3 days.
 */
export class WebhookService {
  readonly loop: WakeableLoop;

  constructor(private readonly knex: Knex, private readonly logger: Logger, private readonly box: SecretBox, private readonly options: WebhookOptions) {
    this.loop = new WakeableLoop(() => this.work(), (err) => this.logger.error({ err }, 'webhook worker failed'));
  }

  /** A signing secret for a new webhook of `tenantId`: shown once in clear, stored sealed. */
  newSecret(tenantId: string): { plain: string; sealed: string } {
    const plain = `whsec_${randomBytes(24).toString('base64url')}`;
    return { plain, sealed: this.box.seal(plain, { tenantId, field: WEBHOOK_SECRET_FIELD }) };
  }

  /** One query for the batch's tenants' active hooks, one INSERT for every matching delivery. */
  async fanOut(trx: Knex.Transaction, events: OutboxRow[]): Promise<void> {
    const tenants = [...new Set(events.map((e) => e.tenant_id).filter((t): t is string => Boolean(t)))];
    if (!tenants.length) return;
    const hooks = (await trx('webhooks').whereIn('tenant_id', tenants).where({ active: true }).select('id', 'tenant_id', 'events')) as Array<{ id: string; tenant_id: string; events: string[] }>;
    if (!hooks.length) return;
    const rows = events.flatMap((e) =>
      hooks
        .filter((h) => h.tenant_id === e.tenant_id && (h.events.includes(e.name) || h.events.includes('*')))
        .map((h) => ({ webhook_id: h.id, event_id: e.id, event_name: e.name, tenant_id: e.tenant_id })),
    );
    for (let i = 0; i < rows.length; i += 1000) {
      await trx('webhook_deliveries').insert(rows.slice(i, i + 1000)).onConflict(['webhook_id', 'event_id']).ignore();
    }
  }

  private async work(): Promise<number | null> {
    for (;;) {
      const claimed = await this.claim();
      if (!claimed) break;
      await this.deliver(claimed);
    }
    const [next] = (await this.knex('webhook_deliveries').where({ status: 'pending' }).min({ at: 'next_attempt_at' })) as Array<{ at: Date | null }>;
    return next?.at ? new Date(next.at).getTime() : null;
  }

  /** Leases one due delivery by pushing its next attempt out; a crash mid-POST means a retry after the lease. */
  private async claim(): Promise<{ id: string; attempts: number; created_at: Date; url: string; secret: string; event: OutboxRow } | undefined> {
    return this.knex.transaction(async (trx) => {
      const d = (await trx('webhook_deliveries').where({ status: 'pending' }).where('next_attempt_at', '<=', new Date()).orderBy('next_attempt_at').first().forUpdate().skipLocked()) as
        | { id: string; webhook_id: string; event_id: string; attempts: number; created_at: Date }
        | undefined;
      if (!d) return undefined;
      await trx('webhook_deliveries').where({ id: d.id }).update({ next_attempt_at: new Date(Date.now() + LEASE_MS) });
      const hook = (await trx('webhooks').where({ id: d.webhook_id }).first('url', 'secret', 'tenant_id')) as { url: string; secret: string; tenant_id: string };
      const event = (await trx('outbox_events').where({ id: d.event_id }).first()) as OutboxRow;
      return { id: d.id, attempts: d.attempts, created_at: d.created_at, url: hook.url, secret: this.box.open(hook.secret, { tenantId: hook.tenant_id, field: WEBHOOK_SECRET_FIELD }), event };
    });
  }

  private async deliver(d: { id: string; attempts: number; created_at: Date; url: string; secret: string; event: OutboxRow }): Promise<void> {
    const body = JSON.stringify({ id: d.event.id, type: d.event.name, tenantId: d.event.tenant_id, createdAt: new Date(d.event.created_at).toISOString(), data: d.event.payload });
    const attempt = d.attempts + 1;
    let status: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    try {
      const res = await postJson(d.url, body, { [SIGNATURE_HEADER]: signPayload(d.secret, body), 'mpanel-event': d.event.name, 'mpanel-delivery': d.id }, this.options.allowPrivateTargets);
      status = res.status;
      responseBody = res.body;
      if (status < 200 || status >= 300) error = `Receiver answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const delay = Math.min((this.options.retryBaseMs ?? 30_000) * 2 ** (attempt - 1), 12 * 3600_000);
    const nextAt = Date.now() + delay;
    const giveUp = nextAt - new Date(d.created_at).getTime() > GIVE_UP_MS;
    await this.knex('webhook_deliveries').where({ id: d.id }).update({
      status: error ? (giveUp ? 'failed' : 'pending') : 'succeeded',
      attempts: attempt,
      response_status: status,
      response_body: responseBody,
      last_error: error,
      delivered_at: error ? null : new Date(),
      next_attempt_at: new Date(error ? nextAt : Date.now()),
      updated_at: new Date(),
    });
    if (error) this.logger.warn({ delivery: d.id, attempt, err: error }, 'webhook delivery failed');
  }
}
