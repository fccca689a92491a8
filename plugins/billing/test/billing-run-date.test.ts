import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';
import { addDays, isoDateOf } from '../src/domain/dates.ts';

/**
 * `POST /api/v1/billing/runs` and its date: a run dated years ahead would bill every future period
 * of a paid-up service, terminate it and mail the client. Only dates near today run without
 * `force` (a separate permission); `dryRun` shows what a run would do and writes nothing.
 */
describe('billing: the billing run date is bounded; dry run', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let runner: string;
  let serviceId: string;
  const today = isoDateOf(new Date());
  const threeYearsAhead = addDays(today, 3 * 365);
  const run = (token: string, body: Record<string, unknown>) => server.request('POST', '/api/v1/billing/runs', { token, body });
  /** Everything a run could write, read as the owner: equal before and after = nothing happened. */
  const snapshot = async () => {
    const rows: Record<string, unknown> = {};
    for (const table of ['invoices', 'invoice_items', 'billing_runs', 'reminders_sent', 'outbox_events', 'credit_ledger', 'payments', 'invoice_sequences']) {
      // The mail queue reports each delivery (`mail.sent`) whenever it gets to it: not the run's doing.
      const query = table === 'outbox_events' ? server.knex(table).whereNot('name', 'like', 'mail.%') : server.knex(table);
      rows[table] = Number(((await query.count({ n: '*' })) as Array<{ n: string }>)[0]!.n);
    }
    rows.services = await server.knex('services').orderBy('id').select('id', 'status', 'next_due_date');
    rows.sequences = await server.knex('invoice_sequences').orderBy(['tenant_id', 'series']).select('last_value');
    return rows;
  };

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    runner = (await createUser(server, admin, ['billing'])).token;
    const product = (await server.request('POST', '/api/v1/products', { token: admin, body: { name: 'Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] } })).body.data;
    const client = (await server.request('POST', '/api/v1/clients', { token: admin, body: { email: 'run-date@client.test', firstName: 'R', lastName: 'D', country: 'US', currency: 'USD' } })).body.data;
    const placed = (await server.request('POST', '/api/v1/orders', { token: admin, body: { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly' }] } })).body.data;
    const paid = await server.request('POST', `/api/v1/invoices/${placed.invoice.id}/payments`, { token: admin, body: { amount: placed.invoice.total, gateway: 'manual', transactionId: 'run-date-1' } });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    serviceId = placed.services[0].id;
  });
  after(async () => { await close?.(); });

  it('a date three years ahead is refused without force, and force needs its own permission; nothing is written', async () => {
    const before = await snapshot();
    const refused = await run(admin, { date: threeYearsAhead });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error, 'Validation failed');
    assert.match(refused.body.details.date, /within 1 day of today/);
    assert.equal((await run(runner, { date: threeYearsAhead, force: true })).status, 403, 'billing.run alone cannot force');
    assert.equal((await run(runner, { date: addDays(today, -400) })).status, 400, 'nor reach back a year');
    assert.deepEqual(await snapshot(), before);
  });

  it('a dry run of that date shows the invoices, reminders, suspension and termination, and changes no row', async () => {
    const before = await snapshot();
    const dry = await run(runner, { date: threeYearsAhead, dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    const { data } = dry.body;
    assert.equal(data.dryRun, true);
    assert.ok(data.invoicesCreated >= 36, `one invoice per future month: ${data.invoicesCreated}`);
    assert.equal(data.effects['invoice.created'].length, data.invoicesCreated);
    assert.ok(data.effects['invoice.created'].every((i: { clientId: string; total: number }) => i.total === 1000));
    assert.deepEqual([data.suspended, data.terminated], [1, 1]);
    assert.deepEqual(data.effects['service.terminated'].map((s: { serviceId: string }) => s.serviceId), [serviceId]);
    assert.ok(data.remindersSent >= 1 && data.effects['invoice.reminder'].length >= 1);
    assert.deepEqual(await snapshot(), before, 'no invoice, run, marker, event or number was taken');
    assert.equal((await server.request('GET', `/api/v1/services/${serviceId}`, { token: admin })).body.data.status, 'active');
  });

  it('today runs without force; a forced run by a holder of billing.runs.force goes ahead', async () => {
    const now = await run(runner, {});
    assert.equal(now.status, 200, JSON.stringify(now.body));
    assert.deepEqual([now.body.data.date, now.body.data.invoicesCreated, now.body.data.terminated], [today, 0, 0], 'a paid-up service has nothing due today');
    assert.equal((await run(runner, { date: addDays(today, 1) })).status, 200, 'tomorrow is inside the default window');
    const forced = await run(admin, { date: addDays(today, 45), force: true });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.ok(forced.body.data.invoicesCreated >= 1);
  });

  it('the window is the tenant\'s setting', async () => {
    const set = await server.request('PUT', '/api/v1/plugins/billing/settings', { token: admin, body: { billingRunDateWindowDays: 0 } });
    assert.ok(set.status < 300, JSON.stringify(set.body));
    assert.equal((await run(runner, { date: addDays(today, 1) })).status, 400);
    assert.equal((await server.request('PUT', '/api/v1/plugins/billing/settings', { token: admin, body: { billingRunDateWindowDays: 400 } })).status, 400, 'a window of a year is no bound');
  });
});
