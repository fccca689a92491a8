import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Harness, waitFor, type World } from '../../plugins/hosting/test/provisioning/harness.ts';
import { dig, startPowerDnsLab, type PowerDnsLab } from '../support/powerdns-lab.ts';

/**
 * Issue 17 §2 on real services: hosting (its provisioning harness, in-memory servers) with the
 * dns plugin and the dns-powerdns provider on a private PowerDNS. With the tenant's hosting
 * setting `dnsZones` on, a paid order's hosting account gets its zone in PowerDNS from the
 * tenant's default template with the server's IP; terminating the service removes it.
 */
describe('hosting accounts\' zones published to a real PowerDNS (integration)', function () {
  this.timeout(180_000);
  const PORT_BASE = 26620;
  const SERVER_IP = '203.0.113.45';
  const h = new Harness();
  let lab: PowerDnsLab;
  let w: World;

  before(async () => {
    lab = await startPowerDnsLab({ portBase: PORT_BASE });
    await h.start({ plugins: ['dns', 'dns-powerdns'], env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' } });
    w = await h.world();
    await h.knex('servers').where({ id: w.serverId }).update({ address: SERVER_IP });
    await h.api(w.t, 'PUT', '/api/v1/plugins/dns-powerdns/settings', { apiUrl: lab.apiUrl, apiKey: lab.apiKey, nameservers: ['ns1.lab.test.'], timeoutSeconds: 3 }, 200);
    await h.api(w.t, 'POST', '/api/v1/dns/zone-templates', {
      name: 'Hosting', isDefault: true, nameservers: ['ns1.brand.test', 'ns2.brand.test'],
      records: [
        { name: '@', type: 'A', values: ['{{ip}}'] },
        { name: 'www', type: 'CNAME', values: ['{{domain}}.'] },
        { name: '@', type: 'MX', values: ['10 mail.{{domain}}.'] },
        { name: 'mail', type: 'A', values: ['{{ip}}'] },
        { name: '@', type: 'TXT', values: ['v=spf1 a mx -all'] },
      ],
    }, 201);
  });
  after(async () => {
    await h.stop();
    await lab?.stop();
  });

  it('off by default: a paid account makes no zone in PowerDNS', async () => {
    const domain = `off-${randomUUID().slice(0, 6)}.test`;
    const o = await h.order(w, domain);
    await h.pay(w, o);
    await waitFor(() => h.account(o.serviceId), 15_000, 'account row');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(dig(lab, domain, 'A').status, 'REFUSED');
    assert.equal(await h.knex('dns_zones').where({ name: domain }).first(), undefined);
  });

  it('dnsZones on: the account\'s zone is in PowerDNS from the template with the server IP; terminating removes it', async () => {
    await h.api(w.t, 'PUT', '/api/v1/plugins/hosting/settings', { dnsZones: true }, 200);
    const domain = `site-${randomUUID().slice(0, 6)}.test`;
    const o = await h.order(w, domain);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId), 15_000, 'account row');
    const zone = await waitFor(async () => h.knex('dns_zones').where({ name: domain }).first(), 15_000, 'zone row');
    assert.equal(zone.owner, `hosting-account:${account.id}`);
    assert.equal(zone.tenant_id, w.t.tenant.id);
    await waitFor(async () => (await h.knex('dns_zones').where({ id: zone.id }).first()).publish_state === 'published', 30_000, 'zone published');

    const apex = dig(lab, domain, 'A');
    assert.equal(apex.status, 'NOERROR', apex.raw);
    assert.deepEqual(apex.values, [SERVER_IP]);
    assert.deepEqual(dig(lab, `mail.${domain}`, 'A').values, [SERVER_IP]);
    assert.deepEqual(dig(lab, `www.${domain}`, 'CNAME').values, [`${domain}.`]);
    assert.deepEqual(dig(lab, domain, 'MX').values, [`10 mail.${domain}.`]);
    assert.deepEqual(dig(lab, domain, 'TXT').values, ['"v=spf1 a mx -all"']);
    assert.deepEqual(dig(lab, domain, 'NS').values.sort(), ['ns1.brand.test.', 'ns2.brand.test.'], "the template's branded nameservers");

    // A website on a domain of its own gets its zone too, owned by the website (and so by the account);
    // removing the website takes its zone with it, and the account's zone stays.
    const removed = `gone-${randomUUID().slice(0, 6)}.test`;
    const goneSite = await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: removed }, 201);
    await waitFor(async () => dig(lab, removed, 'A').values[0] === SERVER_IP, 30_000, 'website zone served');
    await h.api(w.t, 'DELETE', `/api/v1/hosting-accounts/${account.id}/websites/${goneSite.body.data.id}`);
    await waitFor(async () => dig(lab, removed, 'A').status === 'REFUSED', 30_000, "the removed website's zone gone from PowerDNS");
    assert.deepEqual(dig(lab, domain, 'A').values, [SERVER_IP], "the account's zone stays");

    const siteDomain = `blog-${randomUUID().slice(0, 6)}.test`;
    await waitFor(async () => (await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: siteDomain })).status === 201, 30_000, 'website slot free again');
    await waitFor(async () => dig(lab, siteDomain, 'A').values[0] === SERVER_IP, 30_000, 'website zone served');

    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/terminate`, undefined, 200);
    await waitFor(async () => dig(lab, domain, 'A').status === 'REFUSED', 30_000, 'zone removed from PowerDNS');
    await waitFor(async () => dig(lab, siteDomain, 'A').status === 'REFUSED', 30_000, 'website zone removed from PowerDNS');
    await waitFor(async () => !(await h.knex('dns_zones').where({ id: zone.id }).first()), 15_000, 'zone row removed');
    assert.equal(dig(lab, `mail.${domain}`, 'A').status, 'REFUSED');
  });
});
