import knexFactory from 'knex';
import pg from 'pg';
import { createScratchDatabase } from './scratch-database.ts';
import { BENCH_ADMIN } from './mpanel-server.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { runLoad } from './load.ts';

/** Warm-up (discarded), then the measured run with the server's CPU time around it. */
async function measure(server: ServerProcess, target: Target, options: LoadOptions): Promise<LoadResult> {
  if (options.warmup > 0) await runLoad(server.url, target, options.connections, options.warmup);
  const before = await server.cpuMicros();
  const result = await runLoad(server.url, target, options.connections, options.duration);
  const used = (await server.cpuMicros()) - before;
  return { ...result, cpuMicrosPerRequest: used / Math.max(result.requests, 1) };
}
import type { BenchCase, BenchEnv, LoadOptions, LoadResult, Target } from './types.ts';

export interface HarnessOptions extends LoadOptions {
  /** A PostgreSQL server URL; the run creates and drops its own database there. */
  databaseUrl: string;
  /** Alternating bare/mPanel rounds; each side keeps its best round (a shared machine only ever slows a run down). */
  rounds: number;
  /** mPanel's LOG_LEVEL (request logs are written at info, to /dev/null). */
  logLevel: string;
  /** Connections in each server's pool (mPanel's knex pool is 10). */
  poolMax: number;
  /** Profile both servers (V8 CPU profiles written here on exit). */
  profileDir?: string;
  onProgress?(line: string): void;
}

export interface CaseResult {
  name: string;
  goal: number | undefined;
  bare: LoadResult;
  mpanel: LoadResult;
  /** mPanel req/s divided by bare req/s. */
  ratio: number;
  /** bare CPU per request divided by mPanel's (the same ratio, measured in CPU time). */
  cpuRatio: number;
}

async function expectOk(base: string, target: Target): Promise<void> {
  const res = await fetch(base + target.path, { headers: target.headers });
  if (res.status !== 200) throw new Error(`GET ${base}${target.path} answered ${res.status}: ${await res.text()}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function best(results: LoadResult[]): LoadResult {
  return results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
}

/**
 * Starts both servers (each in its own process) on one scratch database, loads every case on each
 * from a third process, and cleans up.
 */
export async function runBench(cases: BenchCase[], options: HarnessOptions): Promise<CaseResult[]> {
  const say = options.onProgress ?? (() => undefined);
  const scratch = await createScratchDatabase(options.databaseUrl);
  const closers: Array<() => Promise<void>> = [() => scratch.drop()];
  try {
    const spec = { databaseUrl: scratch.url, cases: cases.map((c) => c.name), logLevel: options.logLevel, poolMax: options.poolMax, profileDir: options.profileDir };
    // mPanel first: it migrates and seeds the scratch database.
    const mpanel = await startServerProcess({ kind: 'mpanel', ...spec });
    closers.unshift(() => mpanel.close());
    const bare = await startServerProcess({ kind: 'bare', ...spec });
    closers.unshift(() => bare.close());
    // The harness's own connections, for fixtures.
    const knex = knexFactory({ client: 'pg', connection: scratch.url, pool: { min: 0, max: 2 } });
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    pool.on('error', () => undefined);
    closers.unshift(() => knex.destroy(), () => pool.end());
    say(`mPanel at ${mpanel.url}, bare Koa at ${bare.url}, database ${new URL(scratch.url).pathname.slice(1)}`);

    const env: BenchEnv = { knex, pool, mpanelUrl: mpanel.url, bareUrl: bare.url, admin: BENCH_ADMIN };
    const prepared: Array<{ c: BenchCase; targets: { bare: Target; mpanel: Target } }> = [];
    for (const c of cases) {
      const targets = await c.prepare(env);
      await expectOk(bare.url, targets.bare);
      await expectOk(mpanel.url, targets.mpanel);
      prepared.push({ c, targets });
    }
    // Every case once on both sides before anything is measured: otherwise the first case pays
    // for the JIT and heap growth of a cold process (it measured ~30 % more CPU per request than
    // the same route measured later in the same run).
    for (const { c, targets } of prepared) {
      say(`  ${c.name} · warming up`);
      for (const side of ['bare', 'mpanel'] as const) await runLoad((side === 'bare' ? bare : mpanel).url, targets[side], options.connections, Math.max(options.warmup, 2));
    }
    const results: CaseResult[] = [];
    for (const { c, targets } of prepared) {
      const runs: Record<'bare' | 'mpanel', LoadResult[]> = { bare: [], mpanel: [] };
      for (let round = 0; round < options.rounds; round++) {
        // Alternate who goes first so neither side always gets the warmer machine.
        const order = round % 2 === 0 ? (['bare', 'mpanel'] as const) : (['mpanel', 'bare'] as const);
        for (const side of order) {
          const result = await measure(side === 'bare' ? bare : mpanel, targets[side], options);
          if (result.failures > 0) throw new Error(`${c.name}: ${side} had ${result.failures} failed requests of ${result.requests}`);
          runs[side].push(result);
          say(`  ${c.name} · round ${round + 1} · ${side}: ${Math.round(result.requestsPerSecond)} req/s, ${Math.round(result.cpuMicrosPerRequest)} µs CPU/request`);
        }
      }
      const b = best(runs.bare);
      const m = best(runs.mpanel);
      const cpu = (side: LoadResult[]) => median(side.map((r) => r.cpuMicrosPerRequest));
      results.push({
        name: c.name,
        goal: c.goal,
        bare: { ...b, cpuMicrosPerRequest: cpu(runs.bare) },
        mpanel: { ...m, cpuMicrosPerRequest: cpu(runs.mpanel) },
        ratio: m.requestsPerSecond / b.requestsPerSecond,
        cpuRatio: cpu(runs.bare) / cpu(runs.mpanel),
      });
    }
    return results;
  } finally {
    for (const close of closers) await close().catch((err: unknown) => say(`cleanup failed: ${String(err)}`));
  }
}
