/**
 * `npm run bench:billing`: the billing run at scale on PostgreSQL, through the real platform (core
 * plugin host, outbox events, RLS, app role). Seeds BENCH_SERVICES (100,000) active monthly
 * services across BENCH_TENANTS (10) tenants, all due on one date, then:
 *  1. the ceiling: a raw `INSERT … SELECT` writing the same invoice rows and lines (rolled back);
 *  2. the billing run for every tenant (`POST /api/v1/billing/runs`), timed;
 *  3. the same date again, which must create nothing.
 * Prints invoices/s, total time, peak RSS (sampled) and run ÷ ceiling. DATABASE_URL names the
 * server (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database is created and dropped.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestServer } from '../core/src/testing/test-server.ts';
import { createTenantWithAdmin } from '../core/src/testing/auth.ts';
import { seedDueServices } from '../plugins/billing/test/support/seed.ts';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 100_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10);
const CLIENTS_PER_TENANT = 1000;
const DATE = '2026-06-30';
process.env.TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Samples RSS every 50 ms; `peak()` is the highest seen since `reset()`. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  return { peak: () => Math.max(peak, process.memoryUsage().rss), reset: () => { peak = process.memoryUsage().rss; }, stop: () => clearInterval(timer) };
}

const pluginDir = mkdtempSync(join(tmpdir(), 'mpanel-bench-billing-'));
symlinkSync(resolve('plugins/billing'), join(pluginDir, 'billing'));
const server = await startTestServer({ plugins: { directories: [pluginDir] }, env: { LOG_LEVEL: 'warn' } });
const sampler = rssSampler();
try {
  const tenants = [];
  for (let i = 0; i < TENANTS; i++) tenants.push(await createTenantWithAdmin(server, { slug: `bench-${i}` }));
  log(`seeding ${SERVICES} services across ${TENANTS} tenants…`);
  const perTenant = Math.ceil(SERVICES / TENANTS);
  for (const t of tenants) {
    await server.request('PUT', '/api/v1/plugins/billing/settings', { token: t.token, body: { invoiceLeadDays: 0 } });
    await seedDueServices(server, t.tenant.id, perTenant, DATE, 31, CLIENTS_PER_TENANT);
  }
  await server.knex.raw('ANALYZE');

  // 1. The ceiling: the same invoice rows and lines straight from SQL, then rolled back.
  const ceilingStart = performance.now();
  await server.knex.transaction(async (trx) => {
    await trx.raw(`INSERT INTO invoices (tenant_id, client_id, number, status, currency, subtotal, tax, total, issue_date, due_date)
      SELECT s.tenant_id, s.client_id, 'CEIL-' || s.id, 'unpaid', s.currency, s.amount, 0, s.amount, ?::date, s.next_due_date
        FROM services s WHERE s.status = 'active' AND s.next_due_date <= ?::date`, [DATE, DATE]);
    await trx.raw(`INSERT INTO invoice_items (tenant_id, invoice_id, service_id, kind, description, unit_amount, quantity, net, total, period_start, period_end)
      SELECT s.tenant_id, i.id, s.id, 'recurring', 'Hosting', s.amount, 1, s.amount, s.amount, s.next_due_date, (s.next_due_date + interval '1 month')::date
        FROM services s JOIN invoices i ON i.tenant_id = s.tenant_id AND i.number = 'CEIL-' || s.id
       WHERE s.status = 'active' AND s.next_due_date <= ?::date`, [DATE]);
    await trx.raw(`UPDATE services SET next_due_date = (next_due_date + interval '1 month')::date WHERE status = 'active' AND next_due_date <= ?::date`, [DATE]);
    throw Object.assign(new Error('rollback'), { rollback: true });
  }).catch((err: { rollback?: boolean }) => { if (!err.rollback) throw err; });
  const ceilingMs = performance.now() - ceilingStart;
  log(`ceiling (INSERT … SELECT): ${(ceilingMs / 1000).toFixed(2)} s`);

  // 2. The billing run, tenant after tenant, through the HTTP route.
  const before = process.memoryUsage().rss;
  sampler.reset();
  const start = performance.now();
  let created = 0;
  for (const t of tenants) {
    const res = await server.request('POST', '/api/v1/billing/runs', { token: t.token, body: { date: DATE, force: true } });
    if (res.status !== 200) throw new Error(`run failed: ${res.status} ${JSON.stringify(res.body)}`);
    created += res.body.data.invoicesCreated as number;
    log(`  ${t.tenant.slug}: ${res.body.data.invoicesCreated} invoices (${((performance.now() - start) / 1000).toFixed(1)} s)`);
  }
  const runMs = performance.now() - start;
  const peak = sampler.peak();

  // 3. The same date again.
  let again = 0;
  for (const t of tenants) {
    const res = await server.request('POST', '/api/v1/billing/runs', { token: t.token, body: { date: DATE, force: true } });
    again += res.body.data.invoicesCreated as number;
  }
  const [{ n: invoiceRows }] = (await server.knex('invoices').count({ n: '*' })) as [{ n: number }];

  const lines = [
    `billing run: ${created} invoices for ${SERVICES} services in ${TENANTS} tenants`,
    `  total time        ${(runMs / 1000).toFixed(2)} s  (goal: 100,000 in < 60 s)`,
    `  invoices/s        ${Math.round(created / (runMs / 1000))}`,
    `  peak RSS          ${mb(peak)} (before the run ${mb(before)}, +${mb(peak - before)})`,
    `  ceiling           ${(ceilingMs / 1000).toFixed(2)} s raw INSERT … SELECT (${Math.round(created / (ceilingMs / 1000))} rows/s)`,
    `  ratio             ${(runMs / ceilingMs).toFixed(1)}× the ceiling`,
    `  rerun, same date  ${again} invoices created (must be 0); invoices in the database: ${invoiceRows}`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (again !== 0 || created !== perTenant * TENANTS) process.exitCode = 1;
} finally {
  sampler.stop();
  await server.close();
  rmSync(pluginDir, { recursive: true, force: true });
}
