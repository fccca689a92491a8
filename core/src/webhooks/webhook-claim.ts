import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { OutboxRow } from '../events/dispatcher.ts';
import type { InFlight, Slot } from './in-flight.ts';
import { pendingOwners, ROUND_START } from '../events/skip-scan.ts';

/** A delivery this instance holds the lease of, with what its POST needs. */
export interface LeasedDelivery extends Slot {
  leaseId: string;
  attempts: number;
  createdAt: Date;
  url: string;
  /** Sealed; opened just before the POST. */
  secret: string;
  event: OutboxRow;
}

interface Candidate extends Slot {
  event_id: string;
  attempts: number;
  created_at: Date;
}

/**
 * Leases due webhook deliveries fairly: it walks the endpoints that have pending rows (round-robin
 * from where the last claim stopped, one index probe each), takes at most `perEndpoint` due rows
 * of each (SKIP LOCKED: another instance's claim in progress keeps its rows), leaving out endpoints
 * and tenants this instance already has at their limit; `InFlight.pick` then spreads the free slots
 * across tenants. The chosen rows are leased in the same transaction: `leased_until` past the
 * request timeout, and `next_attempt_at` with it, so a worker that dies mid-POST only delays the
 * delivery until the lease ends.
 */
export class WebhookClaim {
  private cursor = ROUND_START;

  constructor(private readonly knex: Knex, private readonly leaseMs: number) {}

  async take(inFlight: InFlight): Promise<LeasedDelivery[]> {
    const free = inFlight.free;
    if (!free) return [];
    return this.knex.transaction(async (trx) => {
      const full = inFlight.full();
      // Enough rows to spread over several tenants, however many endpoints one of them has.
      const limit = free * 4;
      const perEndpoint = inFlight.limits.perEndpoint;
      const after = await this.due(trx, this.cursor, full.hooks, full.tenants, perEndpoint, limit);
      // Wrapped around: the endpoints before the cursor, once.
      const seen = [...new Set(after.map((c) => c.webhookId))];
      const before = this.cursor !== ROUND_START && after.length < limit ? await this.due(trx, ROUND_START, [...full.hooks, ...seen], full.tenants, perEndpoint, limit - after.length) : [];
      const candidates = [...after, ...before];
      const picked = new Set(inFlight.pick(candidates));
      if (!picked.size) return [];
      // The next claim starts after the last endpoint served, in the order walked.
      this.cursor = candidates.filter((c) => picked.has(c)).pop()!.webhookId;
      return this.lease(trx, [...picked]);
    });
  }

  private async due(trx: Knex.Transaction, cursor: string, fullHooks: string[], fullTenants: string[], perEndpoint: number, limit: number): Promise<Candidate[]> {
    const { rows } = (await trx.raw(
      `SELECT x.* FROM ${pendingOwners('webhook_deliveries', 'webhook_id', cursor)} h CROSS JOIN LATERAL (
         SELECT d.id, d.webhook_id, d.tenant_id, d.event_id, d.attempts, d.created_at FROM webhook_deliveries d
          WHERE d.webhook_id = h.webhook_id AND d.status = 'pending' AND d.next_attempt_at <= now()
            AND (d.leased_until IS NULL OR d.leased_until <= now()) AND d.tenant_id <> ALL(?::uuid[])
          ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED
       ) x
       WHERE h.webhook_id <> ALL(?::uuid[])
       LIMIT ?`,
      [fullTenants, perEndpoint, fullHooks, limit],
    )) as { rows: Array<{ id: string; webhook_id: string; tenant_id: string; event_id: string; attempts: number; created_at: Date }> };
    return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, tenantId: r.tenant_id, event_id: r.event_id, attempts: r.attempts, created_at: r.created_at }));
  }

  private async lease(trx: Knex.Transaction, picked: Candidate[]): Promise<LeasedDelivery[]> {
    const leaseId = randomUUID();
    const until = new Date(Date.now() + this.leaseMs);
    await trx('webhook_deliveries').whereIn('id', picked.map((c) => c.id)).update({ leased_until: until, lease_id: leaseId, next_attempt_at: until });
    const hooks = new Map(((await trx('webhooks').whereIn('id', [...new Set(picked.map((c) => c.webhookId))]).select('id', 'url', 'secret')) as Array<{ id: string; url: string; secret: string }>).map((h) => [h.id, h]));
    const events = new Map(((await trx('outbox_events').whereIn('id', [...new Set(picked.map((c) => c.event_id))])) as OutboxRow[]).map((e) => [e.id, e]));
    return picked.map((c) => {
      const hook = hooks.get(c.webhookId)!;
      return { id: c.id, webhookId: c.webhookId, tenantId: c.tenantId, leaseId, attempts: c.attempts, createdAt: c.created_at, url: hook.url, secret: hook.secret, event: events.get(c.event_id)! };
    });
  }
}
