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
  /** False when the time budget ran out: the next run goes on where this one stopped. */
  complete: boolean;
  batches: number;
}

export interface RunOptions {
  budgetMs?: number;
  batchSize?: number;
  /** The clock (tests): "now" for the cutoffs. */
  now?: Date;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what has outlived its period, target by target, in batches, until everything is done
 * or the time budget is spent. A run that stops early remembers the target it was on, so the
 * next run starts there and a target late in the list is not starved by a large one before it.
 * Runs as the owner: it crosses tenants, and only deletes what the registry describes.
 */
export class RetentionRunner {
  private resumeAt = 0;

  constructor(
    private readonly knex: Knex,
    private readonly registry: RetentionRegistry,
    private readonly periods: RetentionPeriods,
    private readonly config: RetentionConfig,
    private readonly logger: Logger,
  ) {}

  async run(options: RunOptions = {}): Promise<RetentionReport> {
    const deadline = Date.now() + (options.budgetMs ?? this.config.budgetMs);
    const limit = options.batchSize ?? this.config.batchSize;
    const now = options.now ?? new Date();
    const targets = this.registry.list();
    const report: RetentionReport = { deleted: {}, skipped: [], complete: true, batches: 0 };
    for (let i = 0; i < targets.length; i++) {
      const index = (this.resumeAt + i) % targets.length;
      const target = targets[index]!;
      if (!(await this.exists(target.table))) {
        report.skipped.push(target.name);
        continue;
      }
      for (const scope of await this.passes(target, now)) {
        const done = await this.pass(target, scope, limit, deadline, report);
        if (!done) {
          report.complete = false;
          this.resumeAt = index;
          this.log(report);
          return report;
        }
      }
    }
    this.resumeAt = 0;
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
  private async pass(target: RetentionTarget, scope: PassScope, limit: number, deadline: number, report: RetentionReport): Promise<boolean> {
    for (;;) {
      if (Date.now() >= deadline) return false;
      const batch = await deleteBatch(this.knex, target, scope, limit);
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
    this.logger.info({ deleted: report.deleted, complete: report.complete, batches: report.batches }, 'retention run');
  }
}
