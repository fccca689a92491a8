/**
 * `npm run bench:retention`: the retention job's delete rate on a large outbox. Fills
 * `outbox_events` with BENCH_RETENTION_ROWS (default 1,000,000) old, dispatched events in one
 * `INSERT … SELECT generate_series`, then lets the retention runner delete them all in its
 * batches and compares the rows/s of the first batches (table full) with the last ones (table
 * nearly empty): a ratio near 1 means the cost per row stays flat as the table grows.
 * Embedded PGlite by default; PostgreSQL (a scratch database on that server) when DATABASE_URL is set.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:retention
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../core/src/config/config.ts';
import { createLogger } from '../core/src/logger.ts';
import { migrateUp } from '../core/src/db/migrator.ts';
import { CORE_MIGRATIONS } from '../core/src/platform.ts';
import { createTestDatabase } from '../core/src/testing/database.ts';
import { CORE_TARGETS } from '../core/src/retention/core-targets.ts';
import { RetentionRegistry } from '../core/src/retention/registry.ts';
import { RetentionPeriods } from '../core/src/retention/periods.ts';
import { RetentionRunner } from '../core/src/retention/runner.ts';

export interface RetentionBenchOptions {
  rows?: number;
  batchSize?: number;
  /** PostgreSQL server for a scratch database; unset: in-memory PGlite. */
  databaseUrl?: string;
  /** How many batches make "the first" and "the last" (default: a tenth of them each). */
  sample?: number;
}

export interface RetentionBenchResult {
  database: 'pglite' | 'postgres';
  rows: number;
  batchSize: number;
  batches: number;
  fillSeconds: number;
  deleteSeconds: number;
  /** Rows/s over the whole delete. */
  rate: number;
  firstRate: number;
  lastRate: number;
  /** lastRate / firstRate: 1 is perfectly flat. */
  ratio: number;
  /** Rows/s of each tenth of the batches, first to last. */
  deciles: number[];
}

const rateOf = (batches: Array<{ deleted: number; ms: number }>) =>
  batches.reduce((n, b) => n + b.deleted, 0) / (batches.reduce((ms, b) => ms + b.ms, 0) / 1000);

export async function measureRetention(options: RetentionBenchOptions = {}): Promise<RetentionBenchResult> {
  const rows = options.rows ?? 1_000_000;
  const database = await createTestDatabase(options.databaseUrl);
  try {
    const { knex } = database.db;
    await migrateUp(knex, [CORE_MIGRATIONS]);
    const [tenant] = (await knex('tenants').insert({ name: 'Bench', slug: 'bench' }).returning('id')) as Array<{ id: string }>;
    let t = performance.now();
    // Four hundred days old and dispatched: all of it past the 30 days of outbox_events.
    await knex.raw(
      `INSERT INTO outbox_events (tenant_id, name, source, payload, created_at, updated_at, dispatched_at)
       SELECT ?, 'bench.old', 'bench', '{"i":1}'::jsonb, at, at, at
       FROM (SELECT now() - interval '400 days' + g * interval '1 second' AS at FROM generate_series(1, ?) g) s`,
      [tenant!.id, rows],
    );
    // A long-lived table is vacuumed (hint bits set, visibility map current): measure that, not
    // the first reader's one-off cost of a freshly bulk-loaded table.
    await knex.raw('VACUUM ANALYZE outbox_events');
    const fillSeconds = (performance.now() - t) / 1000;

    const config = loadConfig({ NODE_ENV: 'test', ...(options.batchSize ? { RETENTION_BATCH_SIZE: String(options.batchSize) } : {}) }).retention;
    const registry = new RetentionRegistry();
    for (const target of CORE_TARGETS) registry.add(target);
    const runner = new RetentionRunner(knex, registry, new RetentionPeriods(config, registry), config, createLogger({ logLevel: 'silent', nodeEnv: 'test' }));
    const batches: Array<{ deleted: number; ms: number }> = [];
    t = performance.now();
    const report = await runner.run({ only: ['outbox_events'], budgetMs: 3_600_000, onBatch: (_target, deleted, ms) => batches.push({ deleted, ms }) });
    const deleteSeconds = (performance.now() - t) / 1000;
    if (report.deleted.outbox_events !== rows) throw new Error(`deleted ${report.deleted.outbox_events} of ${rows} rows`);
    // The last batch is short (what was left) and the very last finds nothing: sample full batches.
    const full = batches.filter((b) => b.deleted === config.batchSize);
    const sample = options.sample ?? Math.max(1, Math.floor(full.length / 10));
    const firstRate = rateOf(full.slice(0, sample));
    const lastRate = rateOf(full.slice(-sample));
    return {
      database: database.db.kind, rows, batchSize: config.batchSize, batches: batches.length, fillSeconds, deleteSeconds,
      rate: rows / deleteSeconds, firstRate, lastRate, ratio: lastRate / firstRate,
      deciles: Array.from({ length: 10 }, (_, i) => rateOf(full.slice(Math.floor((i * full.length) / 10), Math.floor(((i + 1) * full.length) / 10)))),
    };
  } finally {
    await database.destroy();
  }
}

export function formatRetention(r: RetentionBenchResult): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return `${r.database.padEnd(8)} ${n(r.rows)} outbox rows (filled in ${r.fillSeconds.toFixed(1)} s), batches of ${n(r.batchSize)}: ` +
    `${n(r.rate)} rows/s overall in ${r.deleteSeconds.toFixed(1)} s; first batches ${n(r.firstRate)} rows/s, last ${n(r.lastRate)} rows/s, ratio last/first ${r.ratio.toFixed(2)}\n` +
    `         rows/s by tenth of the batches: ${r.deciles.map(n).join(', ')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureRetention({
    rows: process.env.BENCH_RETENTION_ROWS ? Number(process.env.BENCH_RETENTION_ROWS) : undefined,
    batchSize: process.env.RETENTION_BATCH_SIZE ? Number(process.env.RETENTION_BATCH_SIZE) : undefined,
    databaseUrl: process.env.DATABASE_URL || undefined,
  });
  process.stdout.write(formatRetention(result));
}
