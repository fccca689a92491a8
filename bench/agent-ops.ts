/**
 * `npm run bench:agent-ops`: hosting accounts (Linux user + PHP-FPM pool + nginx vhost + MariaDB
 * database and user) created per minute by the agent's ops called directly on the private hosting
 * lab, until each site answers through nginx. This is the ceiling end-to-end provisioning
 * (order paid → site answers, `bench:provisioning`) is compared against: everything the panel,
 * the queue and the agent protocol add comes on top of it. Needs root, nginx, php-fpm and MariaDB
 * (`.ci/services/hosting.sh`).
 *
 *   BENCH_ACCOUNTS=20 BENCH_CONCURRENCY=4 BENCH_PORT_BASE=30100 npm run bench:agent-ops
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { HostingPlanLimits } from '@mpanel/sdk';
import { runOp, type AgentEnv } from '../agent/src/ops/index.ts';
import { fpmVersion } from '../agent/src/ops/fpm.ts';
import { startHostingLab } from '../test/support/hosting-lab.ts';

export interface DirectRun {
  accounts: Array<{ username: string; domain: string; ms: number }>;
  totalMs: number;
  perMinute: number;
}

const PLAN: HostingPlanLimits = { diskMb: 1000, sites: 5, databases: 5, cronJobs: 5, phpVersions: [], phpMaxChildren: 2, memoryMb: null };

/**
 * Creates `n` accounts, each with one PHP site and one database, through the ops directly (no
 * panel, no protocol); an account counts once site.ensure has verified nginx answers for it.
 * `concurrency` accounts are in flight at once (nginx/php-fpm reloads coalesce across them).
 */
export async function createAccountsDirect(env: AgentEnv, n: number, opts: { concurrency?: number; prefix?: string } = {}): Promise<DirectRun> {
  const php = await fpmVersion(env);
  const prefix = opts.prefix ?? `${env.userPrefix}${randomBytes(2).toString('hex').replace(/^\d/, 'b')}`;
  const accounts: DirectRun['accounts'] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const username = `${prefix}${i}`;
      const domain = `${username}.bench.test`;
      const t = performance.now();
      for (const [op, params] of [
        ['account.ensure', { username, state: 'active', plan: PLAN }],
        ['site.ensure', { username, site: { kind: 'site', id: `${username}-site`, domain, aliases: [], docroot: '', php: php ? { version: php, maxChildren: 2 } : null, tls: null, state: 'active' } }],
        ['db.ensure', { username, database: { kind: 'database', id: `${username}-db`, engine: 'mariadb', name: `${username}_db`, user: `${username}_db`, password: randomBytes(12).toString('hex'), state: 'active' } }],
      ] as const) {
        const r = await runOp(env, op, params);
        if (!r.ok) throw new Error(`${op} for ${username} failed: ${r.code} ${r.message}`);
      }
      accounts.push({ username, domain, ms: Math.round(performance.now() - t) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  const totalMs = performance.now() - started;
  return { accounts, totalMs: Math.round(totalMs), perMinute: Math.round((n / totalMs) * 60_000 * 10) / 10 };
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_ACCOUNTS ?? 12);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const lab = await startHostingLab({ portBase: Number(process.env.BENCH_PORT_BASE ?? 30100) });
  try {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const serial = await createAccountsDirect(lab.env, n, { concurrency: 1 });
    console.log(`sequential:      ${n} accounts in ${serial.totalMs} ms → ${serial.perMinute}/min (median ${median(serial.accounts.map((a) => a.ms))} ms per account)`);
    const parallel = await createAccountsDirect(lab.env, n, { concurrency });
    console.log(`concurrency ${concurrency}:   ${n} accounts in ${parallel.totalMs} ms → ${parallel.perMinute}/min (median ${median(parallel.accounts.map((a) => a.ms))} ms per account)`);
    const t = performance.now();
    for (const a of [...serial.accounts, ...parallel.accounts]) {
      const r = await runOp(lab.env, 'account.remove', { username: a.username });
      if (!r.ok) throw new Error(`account.remove ${a.username}: ${r.message}`);
    }
    console.log(`removal:         ${2 * n} accounts in ${Math.round(performance.now() - t)} ms`);
  } finally {
    await lab.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
