import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { definePlugin, dnsZonesRef, type DnsZones, type DnsZonesService } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { Harness, waitFor, type World } from './provisioning/harness.ts';

type EnsureInput = Parameters<DnsZones['ensureZone']>[0];
interface Call { tenantId: string; inTransaction: boolean; method: string; input: unknown }

/**
 * A stand-in for the dns plugin's `dns.zones` service: zones in memory per tenant, every call
 * recorded with its tenant. A name listed in `failWith` makes ensureZone break the caller's
 * transaction for real (a failing SQL statement), as a refused zone in the dns plugin would.
 */
class FakeDnsZones implements DnsZonesService {
  calls: Call[] = [];
  zones = new Map<string, { tenantId: string; name: string; owner: string | null; id: string }>();
  failWith = new Set<string>();

  forTenant(trx: Knex.Transaction, tenantId: string): DnsZones {
    const record = (method: string, input: unknown) => this.calls.push({ tenantId, inTransaction: typeof trx.commit === 'function' && trx.isTransaction === true, method, input });
    return {
      findZoneFor: async (name) => {
        record('findZoneFor', name);
        const mine = [...this.zones.values()].filter((z) => z.tenantId === tenantId && (name === z.name || name.endsWith(`.${z.name}`)));
        const best = mine.sort((a, b) => b.name.length - a.name.length)[0];
        return best ? { id: best.id, name: best.name } : null;
      },
      ensureZone: async (input) => {
        record('ensureZone', input);
        if (this.failWith.has(input.name)) await trx.raw('SELECT 1/0');
        const existing = this.zones.get(input.name);
        if (existing) {
          if (existing.tenantId !== tenantId) throw new Error('zone taken');
          return { id: existing.id, name: existing.name, created: false };
        }
        const zone = { tenantId, name: input.name, owner: input.owner ?? null, id: randomUUID() };
        this.zones.set(input.name, zone);
        return { id: zone.id, name: zone.name, created: true };
      },
      removeZonesOwnedBy: async (owner) => {
        record('removeZonesOwnedBy', owner);
        let n = 0;
        for (const [name, z] of this.zones) {
          if (z.tenantId === tenantId && z.owner === owner) {
            this.zones.delete(name);
            n++;
          }
        }
        return n;
      },
      addValue: async () => undefined,
      removeValue: async () => undefined,
    };
  }

  async publishNow(): Promise<void> {}

  ensured(tenantId?: string): EnsureInput[] {
    return this.calls.filter((c) => c.method === 'ensureZone' && (!tenantId || c.tenantId === tenantId)).map((c) => c.input as EnsureInput);
  }
}

const fake = new FakeDnsZones();
const fakeDnsPlugin = definePlugin({
  manifest: { id: 'dns-fake', name: 'Fake dns.zones', version: '1.0.0', engines: { mpanel: '>=0.1.0' }, provides: { services: ['dns.zones'] } },
  register(ctx) {
    ctx.services.provide(dnsZonesRef, fake);
  },
});

describe("hosting: accounts' and websites' DNS zones through dns.zones", function () {
  this.timeout(120_000);
  const h = new Harness();
  let w: World;
  const SERVER_IP = '203.0.113.7';

  const settings = (t: World['t'], dnsZones: boolean) => h.api(t, 'PUT', '/api/v1/plugins/hosting/settings', { dnsZones }, 200);
  /** An unpaid order's service (no account yet), so the account is created through the API. */
  const serviceOf = async (world: World) => (await h.order(world)).serviceId;
  const createAccount = async (world: World, domain: string) =>
    (await h.api(world.t, 'POST', '/api/v1/hosting-accounts', { serviceId: await serviceOf(world), domain }, 201)).body.data as { id: string; clientId: string; domain: string };

  before(async () => {
    await h.start({ definitions: [fakeDnsPlugin] });
    w = await h.world();
    await h.knex('servers').where({ id: w.serverId }).update({ address: SERVER_IP });
  });
  after(() => h.stop());

  it('the setting is off by default: no zone is asked for', async () => {
    const got = (await h.api(w.t, 'GET', '/api/v1/plugins/hosting/settings', undefined, 200)).body.data;
    assert.equal(got.values.dnsZones, false, JSON.stringify(got));
    await createAccount(w, `off-${randomUUID().slice(0, 6)}.test`);
    assert.equal(fake.calls.length, 0);
  });

  it('a bad setting value is a 400 and changes nothing', async () => {
    assert.equal((await h.api(w.t, 'PUT', '/api/v1/plugins/hosting/settings', { dnsZones: 'yes' })).status, 400);
    assert.equal((await h.api(w.t, 'GET', '/api/v1/plugins/hosting/settings', undefined, 200)).body.data.values.dnsZones, false);
    await createAccount(w, `still-off-${randomUUID().slice(0, 6)}.test`);
    assert.equal(fake.calls.length, 0);
  });

  it("on: a new account's domain gets its zone from the template, with the server IP, the client and the account as owner", async () => {
    await settings(w.t, true);
    const domain = `shop-${randomUUID().slice(0, 6)}.test`;
    const account = await createAccount(w, domain);
    const [input] = fake.ensured(w.t.tenant.id);
    assert.deepEqual(input, {
      name: domain, fromTemplate: true, clientId: account.clientId, owner: `hosting-account:${account.id}`,
      variables: { domain, hostname: (await h.knex('servers').where({ id: w.serverId }).first()).hostname, ip: SERVER_IP },
    });
    assert.ok(fake.calls.every((c) => c.inTransaction && c.tenantId === w.t.tenant.id));
    assert.equal(fake.zones.get(domain)?.owner, `hosting-account:${account.id}`);

    // A website of the account: its own domain gets a zone; a name inside a zone it has does not.
    fake.calls = [];
    const site = await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: `blog.${domain}` }, 201);
    assert.equal(site.body.data.domain, `blog.${domain}`);
    assert.deepEqual(fake.calls.map((c) => c.method), ['findZoneFor']);
    const other = `other-${randomUUID().slice(0, 6)}.test`;
    const otherSite = await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: other }, 201);
    assert.deepEqual(fake.ensured().map((i) => [i.name, i.owner, i.variables?.ip]), [[other, `hosting-website:${otherSite.body.data.id}`, SERVER_IP]]);

    // Removing that website removes the zone made for it, and only that one.
    fake.calls = [];
    await h.api(w.t, 'DELETE', `/api/v1/hosting-accounts/${account.id}/websites/${otherSite.body.data.id}`);
    assert.deepEqual(fake.calls.filter((c) => c.method === 'removeZonesOwnedBy').map((c) => c.input), [`hosting-website:${otherSite.body.data.id}`]);
    assert.equal(fake.zones.has(other), false);
    assert.equal(fake.zones.get(domain)?.owner, `hosting-account:${account.id}`, "the account's zone stays");
  });

  it('a zone the dns plugin refuses (its SQL fails) leaves the account created, with its operation', async () => {
    const domain = `taken-${randomUUID().slice(0, 6)}.test`;
    fake.failWith.add(domain);
    const account = await createAccount(w, domain);
    assert.ok(fake.ensured().some((i) => i.name === domain), 'it was asked');
    const row = await h.knex('hosting_accounts').where({ id: account.id }).first();
    assert.equal(row.domain, domain);
    assert.equal((await h.ops(account.id)).filter((o) => o.action === 'create').length, 1);
  });

  it('a paid order (service.activated) creates the zone of the order domain; terminating the service removes the zones the account owns', async () => {
    const domain = `paid-${randomUUID().slice(0, 6)}.test`;
    const o = await h.order(w, domain);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId), 15_000, 'account row');
    await waitFor(async () => fake.zones.get(domain), 15_000, 'zone ensured');
    const owner = `hosting-account:${account.id}`;
    assert.equal(fake.zones.get(domain)!.owner, owner);
    assert.equal(fake.ensured().find((i) => i.name === domain)!.variables!.ip, SERVER_IP);
    // Another zone of the same account (a website), and one of another account that must stay.
    const second = await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: `second-${domain}` }, 201);
    const keep = await createAccount(w, `keep-${randomUUID().slice(0, 6)}.test`);
    assert.equal(fake.zones.get(`second-${domain}`)!.owner, `hosting-website:${second.body.data.id}`);

    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/terminate`, undefined, 200);
    await waitFor(async () => fake.calls.some((c) => c.method === 'removeZonesOwnedBy' && c.input === owner), 15_000, 'zones removed');
    assert.equal(fake.zones.has(domain), false);
    assert.equal(fake.zones.has(`second-${domain}`), false);
    assert.equal(fake.zones.get(keep.domain)?.owner, `hosting-account:${keep.id}`, "another account's zone stays");
    // The zones are removed inside the event's transaction: the row says so once it commits.
    await waitFor(async () => (await h.account(o.serviceId))!.desired_state === 'terminated', 15_000, 'account terminated');
  });

  it("another tenant: its own setting (off by default), its own tenant id on every call, never tenant A's zones", async () => {
    const b: World = await h.world();
    fake.calls = [];
    await createAccount(b, `b-off-${randomUUID().slice(0, 6)}.test`);
    assert.equal(fake.calls.length, 0, "tenant A's setting does not apply to B");
    await settings(b.t, true);
    const domain = `b-${randomUUID().slice(0, 6)}.test`;
    const account = await createAccount(b, domain);
    assert.ok(fake.calls.length > 0 && fake.calls.every((c) => c.tenantId === b.t.tenant.id));
    // Tenant B cannot reach tenant A's account to add a website under it (404), so nothing is asked.
    const aAccount = await h.knex('hosting_accounts').where({ tenant_id: w.t.tenant.id }).first();
    fake.calls = [];
    assert.equal((await h.api(b.t, 'POST', `/api/v1/hosting-accounts/${aAccount.id}/websites`, { domain: `x-${domain}` })).status, 404);
    assert.equal(fake.calls.length, 0);
    assert.equal(fake.zones.get(domain)!.owner, `hosting-account:${account.id}`);
  });
});

describe('hosting without the dns plugin, dnsZones on', function () {
  this.timeout(120_000);
  const h = new Harness();
  let w: World;
  before(async () => {
    await h.start();
    w = await h.world();
  });
  after(() => h.stop());

  it('creates accounts and websites as always', async () => {
    await h.api(w.t, 'PUT', '/api/v1/plugins/hosting/settings', { dnsZones: true }, 200);
    const o = await h.order(w);
    const account = (await h.api(w.t, 'POST', '/api/v1/hosting-accounts', { serviceId: o.serviceId, domain: `nodns-${randomUUID().slice(0, 6)}.test` }, 201)).body.data;
    await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: `nodns-site-${randomUUID().slice(0, 6)}.test` }, 201);
    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/terminate`, undefined, 200);
    await waitFor(async () => (await h.knex('hosting_accounts').where({ id: account.id }).first()).desired_state === 'terminated', 15_000, 'terminated');
  });
});
