/**
 * `npm run bench:provisioning` (issue 16): hosting accounts created per minute end to end — order
 * paid → billing event → provisioning workflow → signed agent job → account, pool, vhost, database
 * → the site answers through nginx — on one server, against the agent's own ops run directly in
 * the same run on the same lab (the ceiling: no panel, no queue, no long poll). Then the time to
 * reconcile 1,000 accounts. Needs root, PostgreSQL and Redis (as the integration suite):
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_REDIS_URL=redis://127.0.0.1:6379 BENCH_ACCOUNTS=20 npm run bench:provisioning
 */
import { loadavg } from 'node:os';
import { createAccountsDirect } from './agent-ops.ts';
import { order, pay } from '../test/hosting/support/fixtures.ts';
import { eventually } from '../test/hosting/support/panel.ts';
import { viaNginx } from '../test/hosting/support/server-state.ts';
import { startHosting } from '../test/hosting/support/suite.ts';
import { reconcileBench } from './provisioning-reconcile.ts';

const N = Number(process.env.BENCH_ACCOUNTS ?? 20);
const PAY_CONCURRENCY = Number(process.env.BENCH_PAY_CONCURRENCY ?? 4);
const RECONCILE_ACCOUNTS = Number(process.env.BENCH_RECONCILE_ACCOUNTS ?? 1000);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const out = (line: string) => process.stdout.write(`${line}\n`);
const h = await startHosting({ portBase: 29500, webPort: 29020, tag: `bench${process.pid}` });
try {
  out(`bench:provisioning — ${N} accounts on one server (private nginx + php-fpm, MariaDB ${h.lab.env.mariadb.args.join(' ')}); load average before: ${load()}`);

  // End to end: orders placed first (not timed: that is billing), then all paid at once.
  const orders: Awaited<ReturnType<typeof order>>[] = [];
  for (let i = 0; i < N; i++) orders.push(await order(h.panel, h.setup, `mptb${i}-${process.pid}.bench.test`));
  const t0 = performance.now();
  const queue = [...orders];
  await Promise.all(Array.from({ length: PAY_CONCURRENCY }, async () => {
    for (let o = queue.shift(); o; o = queue.shift()) await pay(h.panel, o.invoiceId);
  }));
  const answered = new Set<number>();
  await eventually(`${N} sites answering`, async () => {
    await Promise.all(orders.map(async (o, i) => {
      if (answered.has(i)) return;
      const r = await viaNginx(h.lab.nginxPort, `mptb${i}-${process.pid}.bench.test`);
      if (r.status !== 0 && r.status !== 502) answered.add(i); // the vhost and its pool answer (not the 444 default)
    }));
    return answered.size === N;
  }, Math.max(300_000, N * 20_000), 200);
  const e2eMs = performance.now() - t0;
  const e2eLoad = load();
  const e2ePerMin = N / (e2eMs / 60_000);
  out(`  end to end (paid → site answers) ${e2ePerMin.toFixed(1).padStart(7)} accounts/min   (${(e2eMs / 1000).toFixed(1)} s; load average ${e2eLoad})`);

  // The ceiling: the same ops, same lab, called in-process with no panel in between.
  const t1 = performance.now();
  await createAccountsDirect(h.lab.env, N);
  const directMs = performance.now() - t1;
  const directPerMin = N / (directMs / 60_000);
  out(`  agent ops directly               ${directPerMin.toFixed(1).padStart(7)} accounts/min   (${(directMs / 1000).toFixed(1)} s; load average ${load()})`);
  out(`  ratio end to end / direct          ${(e2ePerMin / directPerMin).toFixed(2)}`);

  const reconcile = await reconcileBench(RECONCILE_ACCOUNTS);
  out(`  reconcile ${reconcile.accounts} accounts (${reconcile.module})  ${(reconcile.ms / 1000).toFixed(2)} s   (${reconcile.drifted} drifted, ${reconcile.repaired} repair queued; load average ${load()})`);
} finally {
  await h.stop();
}
