import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BillingHarness } from './support/harness.ts';
import { seedDueServices } from './support/seed.ts';
import { runBilling } from '../src/run/billing-run.ts';

const DATE = '2026-06-30';
const N = 60;

/** What a finished run leaves behind for a tenant, comparable across tenants. */
async function outcome(h: BillingHarness, tenantId: string) {
  const numbers = (await h.knex('invoices').where('tenant_id', tenantId).orderBy('number').pluck('number')) as string[];
  const perService = (await h.knex('invoice_items').where({ tenant_id: tenantId, kind: 'recurring' })
    .groupBy('service_id').select('service_id').count({ n: '*' })) as Array<{ n: string | number }>;
  const due = (await h.knex('services').where('tenant_id', tenantId).distinct('next_due_date').pluck('next_due_date')) as Date[];
  const [seq] = (await h.knex('invoice_sequences').where('tenant_id', tenantId).pluck('last_value')) as number[];
  return {
    invoices: numbers.length,
    gapFree: numbers.every((n, i) => Number(n.slice(-5)) === i + 1),
    sequence: Number(seq),
    servicesBilledOnce: perService.length === N && perService.every((r) => Number(r.n) === 1),
    nextDue: due.map((d) => (d instanceof Date ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` : String(d))),
  };
}

const ONE_CLEAN_RUN = { invoices: N, gapFree: true, sequence: N, servicesBilledOnce: true, nextDue: ['2026-07-31'] };

describe('billing run on PostgreSQL: concurrency and crashes', function () {
  this.timeout(180_000);
  let h: BillingHarness;
  before(async function () {
    if (!process.env.TEST_DATABASE_URL) this.skip(); // needs a real server: concurrent connections, a second process
    h = await new BillingHarness().start();
  });
  after(async () => { await h?.stop(); });

  it('one clean run: one invoice per service, gap-free numbers, anchor 31 kept (Jun 30 → Jul 31)', async () => {
    const t = await h.tenant({ invoiceLeadDays: 0 });
    await seedDueServices(h, t, N, DATE, 31);
    const counts = await runBilling(h.plugin, t, DATE, { batchSize: 7 });
    assert.equal(counts.invoicesCreated, N);
    assert.deepEqual(await outcome(h, t), ONE_CLEAN_RUN);
  });

  it('two runs at once end like one run', async () => {
    const t = await h.tenant({ invoiceLeadDays: 0, lateFeeValue: 300, lateFeeAfterDays: 5, reminderDaysAfter: [1, 3], suspendAfterDays: 0, terminateAfterDays: 0 });
    await seedDueServices(h, t, N, DATE, 31);
    const [a, b] = await Promise.all([runBilling(h.plugin, t, DATE, { batchSize: 5 }), runBilling(h.plugin, t, DATE, { batchSize: 5 })]);
    assert.equal(a.invoicesCreated + b.invoicesCreated, N);
    assert.ok(a.invoicesCreated > 0 && b.invoicesCreated > 0, `both took part: ${a.invoicesCreated} + ${b.invoicesCreated}`);
    assert.deepEqual(await outcome(h, t), ONE_CLEAN_RUN);
    assert.equal((await runBilling(h.plugin, t, DATE)).invoicesCreated, 0);

    // six days late, two runs at once: one reminder, one overdue notice and one late fee per invoice
    const late = '2026-07-06';
    const [c, d] = await Promise.all([runBilling(h.plugin, t, late, { batchSize: 5 }), runBilling(h.plugin, t, late, { batchSize: 5 })]);
    assert.deepEqual([c.remindersSent + d.remindersSent, c.overdue + d.overdue, c.lateFees + d.lateFees], [N, N, N]);
    assert.equal(await h.count('invoices', { tenant_id: t }), 2 * N);
    assert.equal(await h.count('reminders_sent', { tenant_id: t, kind: 'overdue:3' }), N);
    const numbers = (await h.knex('invoices').where('tenant_id', t).orderBy('number').pluck('number')) as string[];
    assert.ok(numbers.every((n, i) => Number(n.slice(-5)) === i + 1), 'late-fee invoices continue the sequence without gaps');
  });

  it('a run killed with SIGKILL halfway, then rerun, ends like one clean run', async () => {
    const t = await h.tenant({ invoiceLeadDays: 0 });
    await seedDueServices(h, t, N, DATE, 31);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/run-child.ts', import.meta.url)), h.databaseUrl!, t, DATE, '5'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const killedAfter = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const done = Math.max(0, ...[...out.matchAll(/invoices (\d+)\n/g)].map((m) => Number(m[1])));
        if (done >= 15 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve(done);
        }
        if (out.includes('finished')) reject(new Error('the child finished before it was killed'));
      });
      child.on('exit', (code, signal) => { if (signal !== 'SIGKILL') reject(new Error(`child exited ${code} ${signal}: ${out}`)); });
    });
    await new Promise((r) => child.once('close', r));
    const partial = await outcome(h, t);
    assert.ok(partial.invoices >= killedAfter && partial.invoices < N, `killed halfway: ${partial.invoices} of ${N}`);
    assert.equal(partial.gapFree && partial.sequence === partial.invoices, true, 'whole batches only');
    const rest = await runBilling(h.plugin, t, DATE, { batchSize: 5 });
    assert.equal(rest.invoicesCreated, N - partial.invoices);
    assert.deepEqual(await outcome(h, t), ONE_CLEAN_RUN);
  });
});
