import { nextTick } from '../jobs/cron.ts';
import { MAX_DAYS } from './registry.ts';

export interface RetentionConfig {
  /** When the retention job runs (cron, UTC); null: never (`RETENTION_CRON=off`). */
  cron: string | null;
  /** Rows per DELETE statement. */
  batchSize: number;
  /** A run stops starting batches after this long and goes on at the next tick. */
  budgetMs: number;
  /** Write expiring audit rows to JSONL files here before deleting them. */
  auditArchiveDir: string | null;
  /** `RETENTION_DAYS_<TARGET>` and the tenant bounds `RETENTION_MIN_DAYS_<TARGET>`, `RETENTION_MAX_DAYS_<TARGET>`, by env key. */
  days: Record<string, number>;
  minDays: Record<string, number>;
  maxDays: Record<string, number>;
}

type Env = Record<string, string | undefined>;
type Fail = (variable: string, problem: string) => Error;

function whole(env: Env, name: string, fallback: number, min: number, max: number, fail: Fail): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw fail(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

const PER_TARGET = /^RETENTION_(DAYS|MIN_DAYS|MAX_DAYS)_([A-Z0-9_]+)$/;
const GLOBAL = new Set(['RETENTION_CRON', 'RETENTION_BATCH_SIZE', 'RETENTION_BUDGET_MS', 'RETENTION_AUDIT_ARCHIVE_DIR']);

/**
 * The RETENTION_* variables. Target names are only known once plugins have registered, so the
 * per-target ones are kept by key here and matched later; a misspelt variable is still refused
 * now (it matches none of the forms), with the other bad values.
 */
export function retentionConfig(env: Env, fail: Fail): RetentionConfig {
  const cron = env.RETENTION_CRON?.trim() || '*/10 * * * *';
  if (cron !== 'off') {
    try {
      nextTick(cron, new Date());
    } catch {
      throw fail('RETENTION_CRON', `must be a cron pattern like "*/10 * * * *" or "off" (got "${cron}")`);
    }
  }
  const config: RetentionConfig = {
    cron: cron === 'off' ? null : cron,
    batchSize: whole(env, 'RETENTION_BATCH_SIZE', 2000, 1, 50_000, fail),
    budgetMs: whole(env, 'RETENTION_BUDGET_MS', 20_000, 1, 3_600_000, fail),
    auditArchiveDir: env.RETENTION_AUDIT_ARCHIVE_DIR?.trim() || null,
    days: {},
    minDays: {},
    maxDays: {},
  };
  const buckets = { DAYS: config.days, MIN_DAYS: config.minDays, MAX_DAYS: config.maxDays } as const;
  for (const name of Object.keys(env).filter((n) => n.startsWith('RETENTION_') && env[n] !== '')) {
    if (GLOBAL.has(name)) continue;
    const match = PER_TARGET.exec(name);
    if (!match) throw fail(name, `is not a retention setting (RETENTION_DAYS_<TARGET>, RETENTION_MIN_DAYS_<TARGET>, RETENTION_MAX_DAYS_<TARGET>, ${[...GLOBAL].join(', ')})`);
    buckets[match[1] as keyof typeof buckets][match[2]!] = whole(env, name, 0, 1, MAX_DAYS, fail);
  }
  return config;
}
