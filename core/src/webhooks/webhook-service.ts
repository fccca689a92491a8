import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import { WakeableLoop } from '../events/wakeable-loop.ts';
import type { OutboxRow } from '../events/dispatcher.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { postJson } from './http-post.ts';
import { signPayload, SIGNATURE_HEADER } from './signature.ts';
import { InFlight } from './in-flight.ts';
import { WebhookClaim, type LeasedDelivery } from './webhook-claim.ts';

export interface WebhookOptions {
  allowPrivateTargets: boolean;
  /** First retry delay; doubles each attempt (default 30 s). Deliveries give up after 3 days. */
  retryBaseMs?: number;
  /** POSTs in flight at once on this instance (default 16). */
  concurrency?: number;
  /** ... to one endpoint (default 2): a slow receiver gets no more of the worker than that. */
  perEndpoint?: number;
  /** ... for one tenant (default half of `concurrency`, at least `perEndpoint`). */
  perTenant?: number;
  /** Time limit of one POST, answer included (default 10 s). */
  timeoutMs?: number;
}

/** The field webhook signing secrets are sealed for (see crypto/secret-box.ts). */
export const WEBHOOK_SECRET_FIELD = 'webhooks.secret';

const GIVE_UP_MS = 3 * 24 * 3600_000;
/** A lease outlasts the POST's timeout by this much (claim and record round trips, a busy event loop). */
const LEASE_MARGIN_MS = 30_000;

/**
 * Outgoing webhooks: the dispatcher's fan-out creates one delivery per matching subscription in
 * the same transaction that marks the event dispatched; this worker POSTs them signed, outside
 * any transaction (a slow receiver must not hold a database connection), retrying with
 * exponential backoff for up to 3 days. Up to `concurrency` POSTs are in flight, at most
 * `perEndpoint` to one endpoint and `perTenant` for one tenant, so a dead receiver holds a couple
 * of slots until its timeout and every other endpoint keeps being served. A freed slot is refilled
 * at once (the POST wakes the loop), never after the slowest of a batch.
 */
export class WebhookService {
  readonly loop: WakeableLoop;
  private readonly inFlight: InFlight;
  private readonly claim: WebhookClaim;
  private readonly timeoutMs: number;

  constructor(private readonly knex: Knex, private readonly logger: Logger, private readonly box: SecretBox, private readonly options: WebhookOptions) {
    const concurrency = options.concurrency ?? 16;
    const perEndpoint = options.perEndpoint ?? 2;
    this.inFlight = new InFlight({ concurrency, perEndpoint, perTenant: options.perTenant ?? Math.max(perEndpoint, Math.ceil(concurrency / 2)) });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.claim = new WebhookClaim(knex, this.timeoutMs + LEASE_MARGIN_MS);
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

  /** Fills the free slots; returns the next retry (POSTs in flight wake the loop when they end). */
  private async work(): Promise<number | null> {
    for (const d of await this.claim.take(this.inFlight)) {
      this.inFlight.add(d);
      this.loop.track(this.send(d));
    }
    const [next] = (await this.knex('webhook_deliveries').where({ status: 'pending' }).where('next_attempt_at', '>', new Date()).min({ at: 'next_attempt_at' })) as Array<{ at: Date | null }>;
    return next?.at ? new Date(next.at).getTime() : null;
  }

  private async send(d: LeasedDelivery): Promise<void> {
    try {
      await this.deliver(d);
    } catch (err) {
      // Recording failed (database gone): the lease ends and the delivery is tried again.
      this.logger.error({ err, delivery: d.id }, 'webhook delivery not recorded');
    } finally {
      this.inFlight.delete(d);
      this.loop.wake();
    }
  }

  private async deliver(d: LeasedDelivery): Promise<void> {
    const body = JSON.stringify({ id: d.event.id, type: d.event.name, tenantId: d.event.tenant_id, createdAt: new Date(d.event.created_at).toISOString(), data: d.event.payload });
    const attempt = d.attempts + 1;
    let status: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    try {
      const secret = this.box.open(d.secret, { tenantId: d.tenantId, field: WEBHOOK_SECRET_FIELD });
      const res = await postJson(d.url, body, { [SIGNATURE_HEADER]: signPayload(secret, body), 'mpanel-event': d.event.name, 'mpanel-delivery': d.id }, this.options.allowPrivateTargets, this.timeoutMs);
      status = res.status;
      responseBody = res.body;
      if (status < 200 || status >= 300) error = `Receiver answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const delay = Math.min((this.options.retryBaseMs ?? 30_000) * 2 ** (attempt - 1), 12 * 3600_000);
    const nextAt = Date.now() + delay;
    const giveUp = nextAt - new Date(d.createdAt).getTime() > GIVE_UP_MS;
    // Only the lease's holder records: a worker that outlived its lease finds it taken over.
    await this.knex('webhook_deliveries').where({ id: d.id, lease_id: d.leaseId }).update({
      status: error ? (giveUp ? 'failed' : 'pending') : 'succeeded',
      attempts: attempt,
      response_status: status,
      response_body: responseBody,
      last_error: error,
      delivered_at: error ? null : new Date(),
      next_attempt_at: new Date(error ? nextAt : Date.now()),
      leased_until: null,
      lease_id: null,
      updated_at: new Date(),
    });
    if (error) this.logger.warn({ delivery: d.id, attempt, err: error }, 'webhook delivery failed');
  }
}
