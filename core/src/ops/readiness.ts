import type { Knex } from 'knex';
import type { ProcessRole } from '../config/config.ts';
import type { PluginStatusSource } from '../container.ts';
import { migrationStatus, type MigrationSet } from '../db/migrator.ts';
import type { RedisHandle } from '../redis.ts';
import { StepTimeoutError, withTimeout } from '../plugins/with-timeout.ts';
import { cached } from './metrics/cached.ts';
import type { WorkSnapshot } from './metrics/database-gauges.ts';
import { runsBackground } from './roles.ts';

export interface CheckResult {
  ok: boolean;
  /** What is wrong (failed checks) or worth knowing (a warning on a passing check). */
  problem?: string;
  ms: number;
}

export interface ReadinessSources {
  role: ProcessRole;
  knex: Knex;
  redis: RedisHandle | undefined;
  migrationSets: MigrationSet[];
  plugins: PluginStatusSource;
  /** Plugins whose failure makes the instance not ready (READY_REQUIRED_PLUGINS). */
  requiredPlugins: string[];
  work: () => Promise<WorkSnapshot>;
  /** Plugins' own checks (ctx.readiness.check); a plugin that is not active is not asked. */
  pluginChecks?: ReadonlyMap<string, PluginReadinessCheck>;
  stuckAfterSeconds: number;
  /** Each check's budget (default 2 s): a probe answers within about that, whatever hangs. */
  timeoutMs?: number;
  /** How long the list of pending migrations is reused (default 5 s; it changes only on a deploy). */
  migrationsCacheMs?: number;
  onError?(check: string, err: unknown): void;
}

export interface PluginReadinessCheck {
  owner: string;
  run(): Promise<string | undefined | { warn: string }>;
}

/** The age of the oldest piece of due work: waiting job, undispatched event, undelivered delivery. */
export function oldestWorkSeconds(s: WorkSnapshot): number {
  const jobs = s.jobs.filter((j) => j.state === 'waiting').map((j) => j.oldestDueAgeSeconds ?? 0);
  return Math.max(0, s.outboxLagSeconds, s.eventDeliveryLagSeconds, s.webhookDeliveryLagSeconds, ...jobs);
}

/**
 * `GET /api/health/ready`: can this instance do its job now? Database reachable, Redis reachable
 * (when configured), no migration pending (a newer deploy's instance is ahead: this one is stale),
 * required plugins active, and no work stuck past READY_STUCK_AFTER_SECONDS. Stuck work fails only
 * roles that run it (worker, all): a web instance taken out of the load balancer would not unstick it.
 */
export class Readiness {
  private readonly pending: () => Promise<string[]>;

  constructor(private readonly sources: ReadinessSources) {
    this.pending = cached(sources.migrationsCacheMs ?? 5_000, async () =>
      (await migrationStatus(sources.knex, sources.migrationSets)).flatMap((s) => s.pending.map((name) => `${s.owner}:${name}`)),
    );
  }

  async check(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const s = this.sources;
    const checks: Array<[string, () => Promise<string | undefined | { warn: string }>]> = [
      ['database', async () => void (await s.knex.raw('select 1'))],
    ];
    if (s.redis) checks.push(['redis', async () => void (await s.redis!.fast.ping())]);
    checks.push(['migrations', async () => {
      const pending = await this.pending();
      return pending.length ? `${pending.length} pending: ${pending.slice(0, 5).join(', ')}` : undefined;
    }]);
    checks.push(['plugins', async () => {
      const down = s.plugins.list().filter((p) => p.status === 'failed' || p.status === 'skipped');
      const required = down.filter((p) => s.requiredPlugins.includes(p.id));
      if (required.length) return `required plugin not active: ${required.map((p) => `${p.id} (${p.status})`).join(', ')}`;
      return down.length ? { warn: `not active: ${down.map((p) => `${p.id} (${p.status})`).join(', ')}` } : undefined;
    }]);
    checks.push(['work', async () => {
      const oldest = oldestWorkSeconds(await s.work());
      if (oldest <= s.stuckAfterSeconds) return undefined;
      const problem = `oldest due work waits for ${Math.round(oldest)} s (threshold ${s.stuckAfterSeconds} s)`;
      return runsBackground(s.role) ? problem : { warn: problem };
    }]);
    const active = new Set(s.plugins.list().filter((p) => p.status === 'active').map((p) => p.id));
    for (const [name, check] of s.pluginChecks ?? []) if (active.has(check.owner)) checks.push([name, () => check.run()]);
    const results = await Promise.all(checks.map(async ([name, run]) => [name, await this.timed(name, run)] as const));
    return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
  }

  private async timed(name: string, run: () => Promise<string | undefined | { warn: string }>): Promise<CheckResult> {
    const start = Date.now();
    try {
      const outcome = await withTimeout(run, this.sources.timeoutMs ?? 2000, name);
      const ms = Date.now() - start;
      if (outcome === undefined) return { ok: true, ms };
      if (typeof outcome === 'object') return { ok: true, problem: outcome.warn, ms };
      return { ok: false, problem: outcome, ms };
    } catch (err) {
      // The probe is public: say what failed, log why (addresses, driver messages) for the operator.
      this.sources.onError?.(name, err);
      const timedOut = err instanceof StepTimeoutError;
      return { ok: false, problem: timedOut ? `no answer within ${this.sources.timeoutMs ?? 2000} ms` : 'unreachable or failing', ms: Date.now() - start };
    }
  }
}
