import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createClientAccount, createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { withTenant } from '../../../../core/src/tenancy/with-tenant.ts';
import { startBillingServer } from '../../../billing/test/support/api-server.ts';
import { must, seedGroup, seedService } from '../../../hosting/test/support/seed.ts';
import { sampleServers } from '../../src/forecasts/capacity.ts';
import { normal, rng } from './generated.ts';
import { BillingSeed, day, daysAgo } from './seed.ts';

type Server = Awaited<ReturnType<typeof startBillingServer>>['server'];

/** Month `offset` months from this month (UTC), day 15 at noon. */
function monthAt(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 15, 12));
}

describe('forecasts API', function () {
  this.timeout(300_000);
  let server: Server;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const get = (token: string, path: string) => server.request('GET', path, { token });

  before(async () => {
    ({ server, close } = await startBillingServer(['notifications', 'support', 'hosting', 'ai'], { LOG_LEVEL: process.env.FC_LOG ?? 'silent' }));
    a = await createTenantWithAdmin(server, { slug: 'fc-a' });
    b = await createTenantWithAdmin(server, { slug: 'fc-b' });
  });
  after(() => close?.());

  describe('revenue', () => {
    // Tenant A: 30 months of revenue with a known trend and a yearly season peaking in spring.
    const truth = (offset: number) => {
      const month = monthAt(offset).getUTCMonth();
      return 100_000 + 2_000 * (offset + 30) + 25_000 * Math.sin((2 * Math.PI * month) / 12);
    };

    before(async () => {
      const seed = new BillingSeed(server.knex, a.tenant.id);
      const client = await seed.client();
      const noise = normal(rng(21));
      for (let offset = -30; offset <= -1; offset++) await seed.payment(client, Math.round(truth(offset) + 1_000 * noise()), monthAt(offset));
      // This month's (incomplete) payments are left out of the history.
      await seed.payment(client, 1, monthAt(0));
      // Tenant B: three small payments of its own.
      const other = new BillingSeed(server.knex, b.tenant.id);
      const bClient = await other.client();
      for (const offset of [-3, -2, -1]) await other.payment(bClient, 700, monthAt(offset));
    });

    it('forecasts the coming months within the stated interval, by Holt-Winters, and says what it is based on', async () => {
      const res = await get(a.token, '/api/v1/forecasts/revenue?horizon=6');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const revenue = res.body.data.series.find((s: { metric: string; currency: string }) => s.metric === 'revenue' && s.currency === 'USD');
      assert.equal(revenue.history.length, 30);
      assert.equal(revenue.basedOn.method, 'holt-winters-additive');
      assert.equal(revenue.basedOn.dataPoints, 30);
      assert.equal(revenue.basedOn.seasonLength, 12);
      assert.equal(revenue.basedOn.confidence, 0.95);
      assert.equal(revenue.basedOn.period.from, `${monthAt(-30).toISOString().slice(0, 7)}-01`);
      assert.match(revenue.basedOn.source, /payments minus refunds/);
      assert.equal(revenue.forecast.length, 6);
      assert.equal(revenue.forecast[0].month, monthAt(0).toISOString().slice(0, 7));
      for (const [i, p] of revenue.forecast.entries()) {
        const expected = truth(i);
        assert.ok(expected >= p.lower && expected <= p.upper, `${p.month}: ${expected.toFixed(0)} outside [${p.lower}, ${p.upper}]`);
        assert.ok(p.upper - p.lower < 50_000, `${p.month}: an interval as wide as the season says nothing`);
      }
    });

    it('tenant B\'s forecast holds only its own payments', async () => {
      const res = await get(b.token, '/api/v1/forecasts/revenue');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const revenue = res.body.data.series.find((s: { metric: string }) => s.metric === 'revenue');
      assert.deepEqual(revenue.history.map((h: { value: number }) => h.value), [700, 700, 700]);
      assert.ok(revenue.forecast.every((p: { upper: number }) => p.upper < 10_000), 'nothing of tenant A\'s 100 000s');
      assert.equal(revenue.basedOn.method, 'holt-linear');
    });

    it('validates its query and refuses clients and staff without forecasts.read', async () => {
      for (const q of ['horizon=0', 'horizon=25', 'horizon=abc', 'confidence=0.5', 'currency=usd', 'extra=1']) {
        const res = await get(a.token, `/api/v1/forecasts/revenue?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.body.error, 'Validation failed');
      }
      const clientId = await createClientAccount(server, a.token);
      const client = await createUser(server, a.token, ['client'], { clientId, tenant: 'fc-a' });
      const support = await createUser(server, a.token, ['support'], { tenant: 'fc-a' });
      for (const path of ['revenue', 'churn', 'capacity']) {
        assert.equal((await get(client.token, `/api/v1/forecasts/${path}`)).status, 403, `client: ${path}`);
        assert.equal((await get(support.token, `/api/v1/forecasts/${path}`)).status, 403, `support: ${path}`);
      }
      const billingStaff = await createUser(server, a.token, ['billing'], { tenant: 'fc-a' });
      assert.equal((await get(billingStaff.token, '/api/v1/forecasts/revenue')).status, 200);
    });
  });

  describe('MRR', () => {
    it('is rebuilt per month end from the services that ran then', async () => {
      const t = await createTenantWithAdmin(server, { slug: 'fc-mrr' });
      const seed = new BillingSeed(server.knex, t.tenant.id, 'EUR');
      const client = await seed.client();
      const product = await seed.product();
      const fiveMonths = day(monthAt(-5));
      await seed.service(client, product, { amount: 1_000, start: fiveMonths });
      await seed.service(client, product, { amount: 3_000, cycle: 'quarterly', start: fiveMonths });
      await seed.service(client, product, { amount: 9_999, cycle: 'onetime', start: fiveMonths });
      await seed.service(client, product, { amount: 2_000, status: 'terminated', start: fiveMonths, end: day(monthAt(-2)) });
      const res = await get(t.token, '/api/v1/forecasts/revenue');
      const mrr = res.body.data.series.find((s: { metric: string }) => s.metric === 'mrr');
      assert.equal(mrr.currency, 'EUR');
      assert.deepEqual(mrr.history.map((h: { value: number }) => h.value), [4_000, 4_000, 4_000, 2_000, 2_000]);
      assert.equal(mrr.basedOn.dataPoints, 5);
      assert.deepEqual((await get(t.token, '/api/v1/forecasts/revenue?currency=USD')).body.data.series, [], 'no USD here');
    });
  });

  describe('churn', () => {
    const risky: string[] = [];
    const safe: string[] = [];

    before(async () => {
      const seed = new BillingSeed(server.knex, a.tenant.id);
      const product = await seed.product();
      const overdue = day(daysAgo(40));
      // History: clients who left had overdue invoices; clients who stayed paid on time.
      for (let i = 0; i < 8; i++) {
        const left = await seed.client();
        await seed.service(left, product, { amount: 1_000, status: 'cancelled', start: day(daysAgo(400)), end: day(daysAgo(20)) });
        for (let k = 0; k < 1 + (i % 3); k++) await seed.invoice(left, { status: 'unpaid', total: 1_000, due: overdue });
        const stayed = await seed.client();
        await seed.service(stayed, product, { amount: 1_000, start: day(daysAgo(400)) });
        await seed.invoice(stayed, { status: 'paid', total: 1_000, due: day(daysAgo(30)), paidAt: daysAgo(32) });
        if (i % 4 === 0) await seed.invoice(stayed, { status: 'unpaid', total: 1_000, due: overdue });
      }
      // Live clients to score: risky ones with the signals, safe ones without.
      for (let i = 0; i < 3; i++) {
        const c = await seed.client();
        const s = await seed.service(c, product, { amount: 1_000, start: day(daysAgo(200)), ...(i === 0 ? { cancellationType: 'end_of_period' } : {}) });
        await seed.invoice(c, { status: 'unpaid', total: 1_000, due: overdue });
        await seed.invoice(c, { status: 'unpaid', total: 1_000, due: day(daysAgo(10)) });
        await seed.downgrade(c, s);
        risky.push(c);
        const ok = await seed.client();
        await seed.service(ok, product, { amount: 1_000, start: day(daysAgo(200)) });
        await seed.invoice(ok, { status: 'paid', total: 1_000, due: day(daysAgo(5)), paidAt: daysAgo(6) });
        safe.push(ok);
      }
    });

    it('ranks every risky client above every safe one, each with the factors behind its score', async () => {
      const res = await get(a.token, '/api/v1/forecasts/churn?perPage=100');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const ids: string[] = res.body.data.map((s: { clientId: string }) => s.clientId);
      const worstSafe = Math.min(...safe.map((id) => ids.indexOf(id)));
      const bestRisky = Math.max(...risky.map((id) => ids.indexOf(id)));
      assert.ok(safe.every((id) => ids.includes(id)) && risky.every((id) => ids.includes(id)));
      assert.ok(bestRisky < worstSafe, `a risky client at ${bestRisky}, a safe one at ${worstSafe}`);
      const top = res.body.data.find((s: { clientId: string }) => s.clientId === risky[0]);
      assert.deepEqual(top.factors.map((f: { factor: string }) => f.factor).sort(), ['cancellationRequested', 'downgrades', 'overdueInvoices']);
      assert.equal(top.factors.find((f: { factor: string }) => f.factor === 'overdueInvoices').value, 2);
      const basedOn = res.body.meta.basedOn;
      assert.equal(basedOn.method, 'logistic-regression');
      assert.equal(basedOn.churnedClients, 8);
      assert.ok(basedOn.weights.overdueInvoices > 0);
      // Clients who left are not scored.
      assert.equal(res.body.meta.total, 8 + 6, 'the stayers and the scored six (the revenue test\'s client has no service)');
    });

    it('a declined payment (payment.failed) and an upset ticket raise a client above its otherwise identical twin', async () => {
      const seed = new BillingSeed(server.knex, b.tenant.id);
      const product = await seed.product();
      const twins: string[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await seed.client();
        await seed.service(c, product, { amount: 1_000, start: day(daysAgo(200)) });
        await seed.invoice(c, { status: 'paid', total: 1_000, due: day(daysAgo(5)), paidAt: daysAgo(6) });
        twins.push(c);
      }
      const [declined, upset, calm] = twins as [string, string, string];
      const { eventBus } = server.running.platform.container.cradle;
      // Two declines (two events), and one that names no client (ignored).
      await eventBus.emit({ source: 'gateway-stripe', name: 'payment.failed', tenantId: b.tenant.id, payload: { clientId: declined, gateway: 'stripe', transactionId: 'pi_1', reason: 'declined' } });
      await eventBus.emit({ source: 'gateway-stripe', name: 'payment.failed', tenantId: b.tenant.id, payload: { clientId: declined, gateway: 'stripe', transactionId: 'pi_1', reason: 'declined' } });
      await eventBus.emit({ source: 'gateway-stripe', name: 'payment.failed', tenantId: b.tenant.id, payload: { clientId: 'not-a-uuid' } });
      await withTenant(server.knex, b.tenant.id, async (_db, trx) => {
        const [dept] = await trx('ticket_departments').insert({ tenant_id: b.tenant.id, name: 'Billing' }).returning('id');
        const [ticket] = await trx('tickets').insert({ tenant_id: b.tenant.id, number: 1, department_id: dept.id, client_id: upset, contact_email: 'upset@fc.test', subject: 'Charged twice' }).returning('id');
        await trx('ai_ticket_triage').insert({ tenant_id: b.tenant.id, ticket_id: ticket.id, sentiment: 'negative', priority: 'high' });
      });
      for (let i = 0; i < 100 && Number((await server.knex('ai_payment_failures').where({ client_id: declined }).count({ n: '*' }).first())!.n) < 2; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(Number((await server.knex('ai_payment_failures').where({ tenant_id: b.tenant.id }).count({ n: '*' }).first())!.n), 2, 'two failures kept; the event without a client id is not');

      const res = await get(b.token, '/api/v1/forecasts/churn?perPage=100');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const score = (id: string) => res.body.data.find((x: { clientId: string }) => x.clientId === id) as { probability: number; factors: Array<{ factor: string; value: number }> };
      assert.ok(score(declined).probability > score(calm).probability, `declined ${score(declined).probability} vs calm ${score(calm).probability}`);
      assert.ok(score(upset).probability > score(calm).probability, `upset ${score(upset).probability} vs calm ${score(calm).probability}`);
      assert.deepEqual(score(declined).factors.map((f) => [f.factor, f.value]), [['failedPayments', 2]]);
      assert.deepEqual(score(upset).factors.map((f) => [f.factor, f.value]), [['negativeTickets', 1]]);
      assert.deepEqual(score(calm).factors, []);
      assert.equal((await get(a.token, '/api/v1/forecasts/churn?perPage=100')).body.data.some((x: { clientId: string }) => twins.includes(x.clientId)), false, 'tenant A sees none of them');
    });

    it('tenant B sees none of tenant A\'s clients, and the default weights when it has no history', async () => {
      const res = await get(b.token, '/api/v1/forecasts/churn');
      assert.equal(res.status, 200);
      assert.equal(res.body.meta.basedOn.method, 'default-weights');
      const ids = res.body.data.map((s: { clientId: string }) => s.clientId);
      assert.ok(![...risky, ...safe].some((id) => ids.includes(id)));
      assert.equal((await get(a.token, '/api/v1/forecasts/churn?perPage=101')).status, 400);
      assert.equal((await get(a.token, '/api/v1/forecasts/churn?level=extreme')).status, 400);
      const high = await get(a.token, '/api/v1/forecasts/churn?level=high&perPage=100');
      assert.ok(high.body.data.every((s: { level: string; probability: number }) => s.level === 'high' && s.probability >= 0.5));
    });
  });

  describe('capacity', () => {
    it('gives days until a server is full from its daily samples and today\'s accounts', async () => {
      const { servers: [web], plan } = await seedGroup(server, a.token, 'fill', [{ maxAccounts: 10, maxDiskGb: 100 }]);
      for (let i = 0; i < 4; i++) {
        const { serviceId } = await seedService(server, a.token, plan.id);
        await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId });
      }
      // Half an account a day for the last eight days: 0, 1, 2, 3 every other day, 4 today.
      for (const [ago, accounts] of [[8, 0], [6, 1], [4, 2], [2, 3]] as const) {
        await server.knex('ai_capacity_samples').insert({ tenant_id: a.tenant.id, server_id: web.id, sampled_on: day(daysAgo(ago)), accounts, allocated_disk_mb: accounts * 1000, used_disk_mb: 0 });
      }
      const res = await get(a.token, '/api/v1/forecasts/capacity');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const s = res.body.data.servers.find((x: { serverId: string }) => x.serverId === web.id);
      assert.equal(s.accounts, 4);
      assert.equal(s.accountsPerDay, 0.5);
      assert.equal(s.daysUntilAccountsFull, 12);
      // 4 000 of 102 400 MB allotted at 500 MB a day.
      assert.equal(s.daysUntilDiskFull, 196.8);
      assert.equal(s.dataPoints, 5);
      assert.equal(res.body.data.basedOn.method, 'linear-trend');
      // Tenant B: no servers, and nothing of A's.
      const other = await get(b.token, '/api/v1/forecasts/capacity');
      assert.deepEqual(other.body.data.servers, []);
    });

    it('the daily sample stores each server\'s load once per day', async () => {
      const { appKnex } = server.running.platform.container.cradle;
      const today = new Date();
      await withTenant(appKnex, a.tenant.id, (db) => sampleServers(db, today));
      await withTenant(appKnex, a.tenant.id, (db) => sampleServers(db, today));
      const rows = await server.knex('ai_capacity_samples').where({ tenant_id: a.tenant.id, sampled_on: day(today) });
      const servers = await server.knex('servers').where({ tenant_id: a.tenant.id });
      assert.equal(rows.length, servers.length);
      assert.ok(rows.some((r: { accounts: number }) => r.accounts === 4));
      assert.equal(await withTenant(appKnex, b.tenant.id, (db) => sampleServers(db, today)), 0);
    });
  });
});
