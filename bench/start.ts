/**
 * `npm run bench:start`: time from spawn to `GET /api/health` 200, and the peak RSS of the
 * process tree, for a first start (fresh data directory or database) and a warm restart, embedded
 * (PGlite) and PostgreSQL, through `npm start` and `node bin/mpanel.js start`. Median of
 * BENCH_RUNS (5). Printed against baselines measured in the same run: a bare `node` HTTP server,
 * and a bare PGlite open (fresh = initdb, warm = existing directory) answering HTTP.
 *
 * Settings: BENCH_RUNS, BENCH_PORT (default 22100), BENCH_DATABASE_URL (the server on which a
 * scratch database is created and dropped; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_CASES (substring filter on case names).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PORT = Number(process.env.BENCH_PORT ?? 22100);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const FILTER = process.env.BENCH_CASES ?? '';
const TIMEOUT_MS = 120_000;

interface Sample {
  ms: number;
  peakRssMb: number;
  /** CPU time (user + system) of the tree's processes until healthy: steadier than wall time on a shared machine. */
  cpuMs: number;
}

/** utime + stime of each process, in ms (clock ticks of 10 ms), the last value seen per pid. */
function cpuOf(pids: Iterable<number>, last: Map<number, number>): void {
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      last.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // Gone already: its last value stays.
    }
  }
}

/** Every descendant of `pid` (npm → sh → node), from /proc. */
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
        if (children) out.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // Gone already.
    }
  }
  return out;
}

/** The largest high-water mark (VmHWM: the kernel's own peak RSS) among the tree's processes, in MB. */
function peakRss(pids: Iterable<number>): number {
  let peak = 0;
  for (const pid of pids) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // Gone already.
    }
  }
  return peak;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0): only a live state counts.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns, polls health every 10 ms (and the tree's peak RSS with it), stops with SIGTERM. */
async function measure(command: string[], env: Record<string, string>, healthPath = '/api/health'): Promise<Sample> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd: root, env: { ...process.env, ...env, PORT: String(PORT) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => void (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
  const seen = new Set<number>();
  const cpu = new Map<number, number>();
  let peak = 0;
  try {
    for (;;) {
      for (const pid of tree(child.pid!)) seen.add(pid);
      peak = Math.max(peak, peakRss(seen));
      cpuOf(seen, cpu);
      if (await healthy(`http://127.0.0.1:${PORT}${healthPath}`)) break;
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}:\n${output}`);
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`${command.join(' ')} not healthy after ${TIMEOUT_MS} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    for (const pid of tree(child.pid!)) seen.add(pid);
    cpuOf(seen, cpu);
    return { ms, peakRssMb: Math.max(peak, peakRss(seen)), cpuMs: [...cpu.values()].reduce((a, b) => a + b, 0) };
  } finally {
    // The whole group: npm does not always pass SIGTERM on to its child.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
    await exited(child);
    clearTimeout(timer);
    // Every process seen must be gone (npm exits before its child finishes its graceful shutdown),
    // else the next start's health check is answered by this one.
    for (const pid of tree(child.pid!)) seen.add(pid);
    const deadline = performance.now() + 20_000;
    while ([...seen].some(alive) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface CaseResult {
  name: string;
  goal?: { ms: number; rssMb?: number };
  samples: Sample[];
}

const results: CaseResult[] = [];
const tmpRoot = mkdtempSync(join(tmpdir(), 'mpanel-bench-start-'));
const scratchDb = `mpanel_bench_start_${process.pid}`;

async function withScratchDatabase<T>(fn: (url: string) => Promise<T>, fresh: boolean): Promise<T> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    if (fresh) {
      await admin.query(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${scratchDb}`);
    }
  } finally {
    await admin.end();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${scratchDb}`;
  return fn(url.toString());
}

const bareHttp = `require('node:http').createServer((q,s)=>s.end('{}')).listen(${PORT})`;
const barePglite = (dir: string) =>
  `import('@electric-sql/pglite').then(async ({PGlite})=>{const p=new PGlite(${JSON.stringify(dir)});await p.waitReady;await p.query('select 1');` +
  `require('node:http').createServer((q,s)=>s.end('{}')).listen(${PORT})})`;

async function run(name: string, one: (i: number) => Promise<Sample>, goal?: CaseResult['goal']): Promise<void> {
  if (FILTER && !name.includes(FILTER)) return;
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await one(i));
  results.push({ name, goal, samples });
  process.stderr.write(`${name}: ${samples.map((s) => `${Math.round(s.ms)} ms/${s.cpuMs} ms CPU/${Math.round(s.peakRssMb)} MB`).join(', ')}\n`);
}

const launchers: Array<[string, string[]]> = [
  ['npm start', ['npm', 'start', '--silent']],
  ['node bin/mpanel.js start', ['node', 'bin/mpanel.js', 'start']],
];
const common = { LOG_LEVEL: 'warn', NODE_ENV: 'development', MPANEL_ADMIN_EMAIL: 'bench@example.com', MPANEL_ADMIN_PASSWORD: 'bench-start-password-1' };
const freshDir = (label: string, i: number) => {
  const dir = join(tmpRoot, `${label}-${i}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
};

const loadBefore = loadavg();
const startedAt = new Date();

await run('baseline: node http server', () => measure(['node', '-e', bareHttp], {}, '/'));
await run('baseline: bare PGlite, fresh dir (initdb)', (i) => measure(['node', '-e', barePglite(join(freshDir('bare-pglite', i), 'pg'))], {}, '/'));
const bareWarm = join(freshDir('bare-pglite-warm', 0), 'pg');
if (!FILTER || 'baseline: bare PGlite, existing dir'.includes(FILTER)) await measure(['node', '-e', barePglite(bareWarm)], {}, '/');
await run('baseline: bare PGlite, existing dir', () => measure(['node', '-e', barePglite(bareWarm)], {}, '/'));

for (const [launcher, command] of launchers) {
  const warmGoal = launcher === 'npm start' ? 2000 : 1500;
  await run(`embedded, first start, ${launcher}`, (i) => measure(command, { ...common, DATA_DIR: freshDir(`emb-cold-${launcher.length}`, i) }), { ms: 5000, rssMb: 400 });
  const warmDir = freshDir(`emb-warm-${launcher.length}`, 0);
  await measure(command, { ...common, DATA_DIR: warmDir });
  await run(`embedded, warm restart, ${launcher}`, () => measure(command, { ...common, DATA_DIR: warmDir }), { ms: warmGoal });
  await run(`PostgreSQL, first start, ${launcher}`, (i) =>
    withScratchDatabase((url) => measure(command, { ...common, DATA_DIR: freshDir(`pg-cold-${launcher.length}`, i), DATABASE_URL: url }), true),
  );
  const pgWarmDir = freshDir(`pg-warm-${launcher.length}`, 0);
  await withScratchDatabase((url) => measure(command, { ...common, DATA_DIR: pgWarmDir, DATABASE_URL: url }), true);
  await run(`PostgreSQL, warm restart, ${launcher}`, () => withScratchDatabase((url) => measure(command, { ...common, DATA_DIR: pgWarmDir, DATABASE_URL: url }), false));
}

const loadAfter = loadavg();
rmSync(tmpRoot, { recursive: true, force: true });
const admin = new pg.Client({ connectionString: SERVER_URL });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`);
await admin.end();

const httpBase = results.find((r) => r.name.startsWith('baseline: node http'));
const base = httpBase ? median(httpBase.samples.map((s) => s.ms)) : undefined;
let missed = false;
const lines = [
  `${startedAt.toISOString()} — median of ${RUNS}; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  '',
  '| case | median ms (min–max) | × bare node http | CPU ms (median) | peak RSS MB (median, max) | goal |',
  '|---|---:|---:|---:|---:|---|',
];
for (const r of results) {
  const ms = r.samples.map((s) => s.ms);
  const rss = r.samples.map((s) => s.peakRssMb);
  const m = median(ms);
  let goal = '';
  if (r.goal) {
    const ok = m <= r.goal.ms && (r.goal.rssMb === undefined || Math.max(...rss) <= r.goal.rssMb);
    missed ||= !ok;
    goal = `≤ ${r.goal.ms} ms${r.goal.rssMb ? `, ≤ ${r.goal.rssMb} MB` : ''} ${ok ? 'met' : '**missed**'}`;
  }
  lines.push(
    `| ${r.name} | ${Math.round(m)} (${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))}) | ${base ? (m / base).toFixed(1) + '×' : ''} | ${Math.round(median(r.samples.map((x) => x.cpuMs)))} | ${Math.round(median(rss))}, ${Math.round(Math.max(...rss))} | ${goal} |`,
  );
}
const table = lines.join('\n');
process.stdout.write(`${table}\n`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, `bench/results/start-${startedAt.toISOString().replaceAll(':', '-')}.json`), JSON.stringify({ startedAt, loadBefore, loadAfter, runs: RUNS, results }, null, 2));
process.exitCode = missed ? 2 : 0;
