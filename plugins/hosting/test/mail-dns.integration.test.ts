import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startPowerDnsLab, type PowerDnsLab } from '../../../test/support/powerdns-lab.ts';
import { Harness, waitFor, type World } from './provisioning/harness.ts';

/**
 * The mail DNS check against a real authoritative server (the PowerDNS lab on 127.0.0.1:26210,
 * API on 26211): a zone hosted elsewhere, resolved through the `mailDnsResolvers` setting, says per
 * record "ok" (published and matching), "missing" or "different". Needs pdns_server (.ci/services/dns.sh).
 */
describe('hosting mail: DNS check through a real resolver (PowerDNS lab)', function () {
  this.timeout(180_000);
  const h = new Harness();
  let lab: PowerDnsLab;
  let w: World;
  const domain = `check-${randomUUID().slice(0, 6)}.test`;

  async function pdns(method: string, path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${lab.apiUrl}/api/v1/servers/localhost${path}`, { method, headers: { 'X-API-Key': lab.apiKey, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.text()}`);
  }
  const txt = (value: string) => value.match(/.{1,255}/g)!.map((c) => `"${c}"`).join(' ');
  const rrset = (name: string, type: string, contents: string[]) => ({ name: `${name}.`, type, ttl: 60, changetype: 'REPLACE', records: contents.map((content) => ({ content, disabled: false })) });

  before(async () => {
    lab = await startPowerDnsLab({ portBase: 26210 });
    await h.start();
    w = await h.world();
    await h.knex('hosting_plans').where({ id: w.planId }).update({ limits: JSON.stringify({ diskMb: 1000, sites: 2, databases: 2, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256, mailDomains: 2 }) });
  });
  after(async () => {
    await h.stop();
    await lab?.stop();
  });

  it('says ok, different and missing per record, and unknown when the resolver does not answer', async () => {
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId), 30_000, 'account');
    await h.opWhere(account.id, 'create', 'succeeded');
    const base = `/api/v1/hosting-accounts/${account.id}/mail-domains`;
    const md = (await h.api(w.t, 'POST', base, { domain }, 201)).body.data;
    const host = (await h.knex('servers').where({ id: w.serverId }).first()).hostname;

    // The zone lives at "another provider" (the lab), with a wrong SPF and no DMARC yet.
    await pdns('POST', '/zones', { name: `${domain}.`, kind: 'Native', nameservers: [`ns1.${domain}.`] });
    await pdns('PATCH', `/zones/${domain}.`, { rrsets: [
      rrset(domain, 'MX', [`10 ${host}.`]),
      rrset(domain, 'TXT', [txt('v=spf1 -all'), txt('google-site-verification=abc')]),
      rrset(`${md.dkimSelector}._domainkey.${domain}`, 'TXT', [txt(`v=DKIM1; k=rsa; p=${md.dkimPublicKey}`)]),
    ] });
    await h.api(w.t, 'PUT', '/api/v1/plugins/hosting/settings', { mailDnsResolvers: [`127.0.0.1:${lab.dnsPort}`] }, 200);
    const statuses = async () => {
      const check = (await h.api(w.t, 'GET', `${base}/${md.id}/dns-check`, undefined, 200)).body.data;
      return Object.fromEntries(check.records.map((r: { purpose: string; status: string }) => [r.purpose, r.status]));
    };
    assert.deepEqual(await statuses(), { mx: 'ok', spf: 'different', dkim: 'ok', dmarc: 'missing' });

    await pdns('PATCH', `/zones/${domain}.`, { rrsets: [
      rrset(domain, 'TXT', [txt('v=spf1 mx a ~all')]),
      rrset(`_dmarc.${domain}`, 'TXT', [txt('v=DMARC1; p=none')]),
      rrset(domain, 'MX', [`10 mx.elsewhere.example.`]),
    ] });
    assert.deepEqual(await statuses(), { mx: 'different', spf: 'ok', dkim: 'ok', dmarc: 'ok' });

    // A resolver that is not there: not "missing" but "unknown", with the error.
    assert.equal((await h.api(w.t, 'PUT', '/api/v1/plugins/hosting/settings', { mailDnsResolvers: ['127.0.0.1:26219'] })).status, 200);
    const down = (await h.api(w.t, 'GET', `${base}/${md.id}/dns-check`, undefined, 200)).body.data;
    assert.deepEqual(down.records.map((r: { status: string }) => r.status), ['unknown', 'unknown', 'unknown', 'unknown']);
    assert.ok(down.records.every((r: { error?: string }) => typeof r.error === 'string' && r.error.length > 0));
    assert.equal((await h.api(w.t, 'PUT', '/api/v1/plugins/hosting/settings', { mailDnsResolvers: ['not a resolver'] })).status, 400);
  });
});
