/**
 * `npm run bench:api`: bare Koa + @koa/router + pg against mPanel's full route pipeline doing the
 * same database work, both loaded from a second process (autocannon) on loopback.
 *
 * Settings (environment): DATABASE_URL (a PostgreSQL server; default postgres://postgres@127.0.0.1:5432/postgres,
 * where a scratch database is created and dropped), BENCH_CONNECTIONS (16), BENCH_DURATION (3 s),
 * BENCH_WARMUP (1 s), BENCH_ROUNDS (2), BENCH_LOG_LEVEL (info), BENCH_CASES (a substring of case names, or `all`;
 * by default the non-diagnostic cases run), BENCH_PROFILE=1 (V8 CPU profiles of both servers, sampled every
 * BENCH_PROFILE_INTERVAL µs (100), in
 * bench/results/profiles/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchCases } from './lib/cases/index.ts';
import { runBench, type HarnessOptions } from './lib/harness.ts';
import { formatResults } from './lib/report.ts';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const options: HarnessOptions = {
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  connections: num('BENCH_CONNECTIONS', 16),
  duration: num('BENCH_DURATION', 3),
  warmup: num('BENCH_WARMUP', 1),
  rounds: num('BENCH_ROUNDS', 2),
  logLevel: process.env.BENCH_LOG_LEVEL || 'info',
  poolMax: 10,
  profileDir: process.env.BENCH_PROFILE ? resolve('bench/results/profiles') : undefined,
  onProgress: (line) => process.stderr.write(`${line}\n`),
};
const filter = process.env.BENCH_CASES;
const cases = benchCases.filter((c) => (filter === 'all' ? true : filter ? c.name.includes(filter) : !c.diagnostic));
if (cases.length === 0) throw new Error(`no bench case matches BENCH_CASES="${filter}"`);

const results = await runBench(cases, options);
const table = formatResults(results, options);
process.stdout.write(`\n${table}\n`);

mkdirSync('bench/results', { recursive: true });
const file = `bench/results/api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), options: { ...options, onProgress: undefined }, results }, null, 2));
process.stderr.write(`results written to ${file}\n`);

// Exit non-zero when a case misses its goal, so the number is hard to ignore.
const missed = results.filter((r) => r.goal !== undefined && r.ratio < r.goal);
process.exit(missed.length ? 2 : 0);
