import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { RetentionConfig } from './retention-config.ts';
import type { RetentionRegistry } from './registry.ts';
import type { RetentionPeriods } from './periods.ts';
import type { RetentionTarget } from './target.ts';
import { deleteBatch, type PassScope } from './batch-delete.ts';

export interface RetentionReport {
  /** Rows deleted, by target. */
  deleted: Record<string, number>;
  /** Targets whose table does not exist (yet). */
  skipped: string[];
  /** Targets that failed this run (the error's message); the others still ran. */
  failed: Record<string, string>;
  /** False when the time budget ran out: the next run goes on where this one stopped. */
  complete: boolean;
  batches: number;
}

export interface RunOptions {
  budgetMs?: number;
  batchSize?: number;
  /** "Now" for the cutoffs (default: the time the run starts). */
  now?: Date;
  /** Milliseconds for the budget (tests make time pass per batch). */
  clock?: () => number;
  /** Only these targets (by name). */
  only?: string[];
  /** Told of every batch (the bench measures the cost per row). */
  onBatch?: (target: string, deleted: number, ms: number) => void;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what has outlived its period, target by target, in batches, until everything is done
 * or the time budget is spent. A run that stops early remembers the target it was on, so the
 * next run starts there and a target late in the list is not starved by a large one before it.
 * Runs as the owner: it crosses tenants, and only deletes what the registry describes.
 */
export class RetentionRunner {
  /** The target a run ran out of time on: the next run starts there. */
  private resumeAt: string | null = null;

  constructor(
    private readonly knex: Knex,
    private readonly registry: RetentionRegistry,
    private readonly periods: RetentionPeriods,
    private readonly config: RetentionConfig,
    private readonly logger: Logger,
  ) {}

  async run(options: RunOptions = {}): Promise<RetentionReport> {
    const clock = options.clock ?? Date.now;
    const deadline = clock() + (options.budgetMs ?? this.config.budgetMs);
    const limit = options.batchSize ?? this.config.batchSize;
    const now = options.now ?? new Date();
    const targets = this.registry.list().filter((t) => !options.only || options.only.includes(t.name));
    const start = Math.max(0, targets.findIndex((t) => t.name === this.resumeAt));
    const report: RetentionReport = { deleted: {}, skipped: [], failed: {}, complete: true, batches: 0 };
    for (const target of [...targets.slice(start), ...targets.slice(0, start)]) {
      if (!(await this.exists(target.table))) {
        report.skipped.push(target.name);
        continue;
      }
      let done = true;
      try {
        for (const scope of await this.passes(target, now)) {
          done = await this.pass(target, scope, limit, () => clock() >= deadline, report, options.onBatch);
          if (!done) break;
        }
      } catch (err) {
        // One target's trouble (an archive that cannot be written) must not stop the others.
        report.failed[target.name] = err instanceof Error ? err.message : String(err);
        this.logger.error({ err, target: target.name }, 'retention target failed');
      }
      if (!done) {
        report.complete = false;
        this.resumeAt = target.name;
        this.log(report);
        return report;
      }
    }
    this.resumeAt = null;
    this.log(report);
    return report;
  }

  /** The tenants with their own period one by one, then everybody else at the platform's period. */
  private async passes(target: RetentionTarget, now: Date): Promise<PassScope[]> {
    const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const own = await this.periods.tenantPeriods(this.knex, target);
    const scopes: PassScope[] = [...own].map(([tenantId, days]) => ({ tenantId, cutoff: cutoff(days), from: null }));
    scopes.push({ cutoff: cutoff(this.periods.of(target).days), from: null, exceptTenants: [...own.keys()] });
    return scopes;
  }

  /** Batches until a short one (nothing left) or the deadline; true when the pass finished. */
  private async pass(target: RetentionTarget, scope: PassScope, limit: number, spent: () => boolean, report: RetentionReport, onBatch: RunOptions['onBatch']): Promise<boolean> {
    for (;;) {
      if (spent()) return false;
      const started = performance.now();
      const batch = await deleteBatch(this.knex, target, scope, limit);
      onBatch?.(target.name, batch.deleted, performance.now() - started);
      report.batches++;
      if (batch.deleted) report.deleted[target.name] = (report.deleted[target.name] ?? 0) + batch.deleted;
      if (batch.last === null || batch.picked < limit) return true;
      scope.from = batch.last;
      // Let requests waiting for a connection (PGlite has one) go between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async exists(table: string): Promise<boolean> {
    const res = await this.knex.raw('SELECT to_regclass(?) AS found', [table]);
    return (res.rows as Array<{ found: unknown }>)[0]?.found != null;
  }

  private log(report: RetentionReport): void {
    if (report.batches === 0 && report.complete) return;
    this.logger.info({ deleted: report.deleted, failed: report.failed, complete: report.complete, batches: report.batches }, 'retention run');
  }
}
