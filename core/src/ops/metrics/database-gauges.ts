import type { Knex } from 'knex';
import { Gauge, type Registry } from 'prom-client';
import { cached } from './cached.ts';

/** What one scrape reads from the database (owner pool: these tables span every tenant). */
export interface QueueRow {
  queue: string;
  state: string;
  count: number;
  /** For state `waiting`: the oldest job that is due, in seconds; null when none is. */
  oldestDueAgeSeconds: number | null;
}

export interface WorkSnapshot {
  /**
   * Jobs by queue and state: the database queue's rows by job name (with Redis only those still
   * to be relayed to BullMQ, state `relay`), plus BullMQ's own queue when it runs.
   */
  jobs: QueueRow[];
  /** Oldest event not yet fanned out to its subscribers (seconds), or 0. */
  outboxLagSeconds: number;
  /** Oldest due, undelivered event delivery / webhook delivery (seconds), or 0. */
  eventDeliveryLagSeconds: number;
  webhookDeliveryLagSeconds: number;
  /** Deliveries that gave up: event deliveries `dead`, webhook deliveries `failed`. */
  eventDeliveriesDead: number;
  webhookDeliveriesFailed: number;
  /** Workflow runs by state; empty while the table does not exist. */
  workflowRuns: Array<{ state: string; count: number }>;
}

const age = (at: Date | string | null | undefined): number => (at ? Math.max(0, (Date.now() - new Date(at).getTime()) / 1000) : 0);

/** The work-queue queries: each uses a partial index or a small grouped scan. */
export async function readWorkSnapshot(knex: Knex, workflows: WorkflowTable, extraQueues?: () => Promise<QueueRow[]>): Promise<WorkSnapshot> {
  const rows = (await knex('jobs')
    .whereNot('status', 'completed')
    .groupBy('name', 'status')
    .select('name', 'status')
    .count({ count: '*' })
    .min({ oldest: knex.raw("case when status = 'waiting' and run_at <= now() then run_at end") })) as Array<{ name: string; status: string; count: string | number; oldest: Date | null }>;
  const [outbox] = (await knex('outbox_events').whereNull('dispatched_at').min({ oldest: 'created_at' })) as Array<{ oldest: Date | null }>;
  const [events] = (await knex('event_deliveries').where('status', 'pending').where('next_attempt_at', '<=', knex.fn.now()).min({ oldest: 'next_attempt_at' })) as Array<{ oldest: Date | null }>;
  const [hooks] = (await knex('webhook_deliveries').where('status', 'pending').where('next_attempt_at', '<=', knex.fn.now()).min({ oldest: 'next_attempt_at' })) as Array<{ oldest: Date | null }>;
  const [dead] = (await knex('event_deliveries').where('status', 'dead').count({ count: '*' })) as Array<{ count: string | number }>;
  const [failed] = (await knex('webhook_deliveries').where('status', 'failed').count({ count: '*' })) as Array<{ count: string | number }>;
  const column = await workflows.stateColumn();
  const workflowRuns = column
    ? ((await knex('workflow_runs').groupBy(column).select({ state: column }).count({ count: '*' })
        // Gone again (a rolled-back migration): look for it afresh next time, keep the scrape working.
        .catch(() => (workflows.forget(), []))) as Array<{ state: string; count: string | number }>)
    : [];
  const jobs: QueueRow[] = rows.map((j) => ({ queue: j.name, state: j.status, count: Number(j.count), oldestDueAgeSeconds: j.oldest ? age(j.oldest) : null }));
  if (extraQueues) jobs.push(...(await extraQueues().catch(() => [])));
  return {
    jobs,
    outboxLagSeconds: age(outbox?.oldest),
    eventDeliveryLagSeconds: age(events?.oldest),
    webhookDeliveryLagSeconds: age(hooks?.oldest),
    eventDeliveriesDead: Number(dead?.count ?? 0),
    webhookDeliveriesFailed: Number(failed?.count ?? 0),
    workflowRuns: workflowRuns.map((w) => ({ state: String(w.state), count: Number(w.count) })),
  };
}

export interface WorkflowTable {
  stateColumn(): Promise<string | null>;
  forget(): void;
}

/**
 * The state column of `workflow_runs` (`status` or `state`), once the workflows runtime has
 * created that table; null until then (the gauge is then simply empty). Found once, then kept.
 */
export function workflowTable(knex: Knex): WorkflowTable {
  let found: string | null = null;
  return {
    async stateColumn() {
      if (found) return found;
      const rows = (await knex('information_schema.columns')
        .where({ table_name: 'workflow_runs' })
        .whereRaw('table_schema = current_schema()')
        .whereIn('column_name', ['status', 'state'])
        .select('column_name')) as Array<{ column_name: string }>;
      found = rows.find((r) => r.column_name === 'status')?.column_name ?? rows[0]?.column_name ?? null;
      return found;
    },
    forget() {
      found = null;
    },
  };
}

/** Gauges computed at scrape from one cached snapshot (`ttlMs`), so every instance reports the same numbers cheaply. */
export function registerWorkGauges(registry: Registry, knex: Knex, ttlMs: number, extraQueues?: () => Promise<QueueRow[]>): () => Promise<WorkSnapshot> {
  const workflows = workflowTable(knex);
  const snapshot = cached(ttlMs, () => readWorkSnapshot(knex, workflows, extraQueues));
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: WorkSnapshot) => void) =>
    new Gauge({
      name, help, labelNames, registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s);
      },
    });
  gauge('mpanel_queue_jobs', 'Jobs by queue and state (database queue: per job name; completed ones not counted)', ['queue', 'state'], (g, s) => {
    for (const j of s.jobs) g.set({ queue: j.queue, state: j.state }, j.count);
  });
  gauge('mpanel_queue_oldest_job_age_seconds', 'Age of the oldest due, waiting job per queue; 0 when none is due', ['queue'], (g, s) => {
    for (const j of s.jobs) if (j.state === 'waiting') g.set({ queue: j.queue }, j.oldestDueAgeSeconds ?? 0);
  });
  gauge('mpanel_outbox_lag_seconds', 'Age of the oldest outbox event not yet dispatched', [], (g, s) => g.set(s.outboxLagSeconds));
  gauge('mpanel_delivery_lag_seconds', 'Age of the oldest due, undelivered delivery: kind="event" (subscribers) or "webhook"', ['kind'], (g, s) => {
    g.set({ kind: 'event' }, s.eventDeliveryLagSeconds);
    g.set({ kind: 'webhook' }, s.webhookDeliveryLagSeconds);
  });
  gauge('mpanel_deliveries_failed', 'Deliveries that gave up: event deliveries dead-lettered, webhook deliveries failed', ['kind'], (g, s) => {
    g.set({ kind: 'event' }, s.eventDeliveriesDead);
    g.set({ kind: 'webhook' }, s.webhookDeliveriesFailed);
  });
  gauge('mpanel_workflow_runs', 'Workflow runs by state (empty until the workflows runtime exists)', ['state'], (g, s) => {
    for (const w of s.workflowRuns) g.set({ state: w.state }, w.count);
  });
  return snapshot;
}
