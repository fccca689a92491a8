import { useDom, mountWithApp, flushPromises } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { setPermissions, type UiHost, type UiPluginDefinition } from '@mpanel/sdk/ui';
import { websitePanels } from '../../../hosting/ui/src/slots.ts';
import CdnPanel from '../../ui/src/CdnPanel.vue';
import { purgeBody } from '../../ui/src/model.ts';

const tick = async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
};

const SITE = {
  id: '11111111-1111-4111-8111-111111111111', websiteId: 'w1', accountId: 'a1', hostname: 'shop.example', origin: '203.0.113.10', provider: 'cloudflare',
  status: 'pending', statusDetail: 'Cloudflare waits for the domain\'s nameservers', nameServers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
  cacheSettings: { cacheLevel: 'aggressive', browserCacheTtl: 14400, developmentMode: false, alwaysUseHttps: false },
  lastPurgeAt: null, lastPurge: null, lastError: null, lastErrorAt: null, checkedAt: null,
};

describe('cdn UI: the CDN panel on a website', () => {
  useDom();
  const server = useFetch();
  afterEach(() => setPermissions([]));
  const props = { accountId: 'a1', websiteId: 'w1', domain: 'shop.example' };

  it('fills the slot hosting offers on its website pages', async () => {
    const filled: string[] = [];
    const host = { area: 'portal', fill: (slot: string) => filled.push(slot) } as unknown as UiHost;
    const ui = ((await import('../../ui/src/index.ts')) as { default: UiPluginDefinition }).default;
    await ui.setup(host);
    assert.deepEqual(filled, [websitePanels.name]);
  });

  it('enables the CDN and shows the nameservers to set while the zone is pending', async () => {
    setPermissions(['cdn.read', 'cdn.write', 'cdn.purge']);
    server.answer((call) => (call.method === 'GET' ? json({ data: [], meta: { total: 0, page: 1, perPage: 20 } }) : json({ data: SITE }, 201)));
    const w = await mountWithApp(CdnPanel, { props });
    await tick();
    assert.match(w.text(), /not behind the CDN/);
    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`), ['GET /api/v1/cdn/sites?websiteId=w1']);
    await w.findAll('button').find((b) => b.text() === 'Enable CDN')!.trigger('click');
    await tick();
    assert.deepEqual([server.calls[1]!.method, server.calls[1]!.url.pathname, server.calls[1]!.body], ['POST', '/api/v1/cdn/sites', { accountId: 'a1', websiteId: 'w1' }]);
    assert.match(w.get('[data-testid="cdn-status"]').text(), /Waiting for DNS/);
    assert.match(w.text(), /ada\.ns\.cloudflare\.com/);
  });

  it('purges the URLs typed one per line, and shows the provider\'s error and the stored last error', async () => {
    setPermissions(['cdn.read', 'cdn.write', 'cdn.purge']);
    const active = { ...SITE, status: 'active', statusDetail: null };
    let fail = false;
    server.answer((call) => {
      if (call.method === 'GET' && call.url.pathname.endsWith('/cdn/sites')) return json({ data: [active], meta: { total: 1, page: 1, perPage: 20 } });
      if (call.method === 'GET') return json({ data: { ...active, lastError: 'Cloudflare refused the API token: Authentication error (code 10000)' } });
      if (fail) return json({ error: 'Cloudflare refused the API token: Authentication error (code 10000)', details: { provider: 'authentication failed' } }, 502);
      return json({ data: { site: { ...active, lastPurgeAt: new Date().toISOString(), lastPurge: { kind: 'urls', count: 2 } }, purged: { kind: 'urls', count: 2 } } });
    });
    const w = await mountWithApp(CdnPanel, { props });
    await tick();
    await w.get('[data-testid="cdn-purge-text"]').setValue('https://shop.example/a.css\n\n  https://shop.example/b.js  ');
    await w.get('form').trigger('submit');
    await tick();
    const purge = server.calls.find((c) => c.method === 'POST')!;
    assert.equal(purge.url.pathname, `/api/v1/cdn/sites/${SITE.id}/purges`);
    assert.deepEqual(purge.body, { urls: ['https://shop.example/a.css', 'https://shop.example/b.js'] });
    assert.match(w.text(), /2 urls/);
    fail = true;
    await w.findAll('input[type="radio"]').find((r) => (r.element as HTMLInputElement).value === 'everything')!.setValue(true);
    await w.get('form').trigger('submit');
    await tick();
    assert.deepEqual(server.calls.filter((c) => c.method === 'POST').at(-1)!.body, { everything: true });
    assert.match(w.get('[data-testid="cdn-error"]').text(), /refused the API token.*code 10000/);
    assert.match(w.get('[data-testid="cdn-last-error"]').text(), /code 10000/);
  });

  it('shows no actions to a user who may only read', async () => {
    setPermissions(['cdn.read']);
    server.answer(() => json({ data: [{ ...SITE, status: 'active' }], meta: { total: 1, page: 1, perPage: 20 } }));
    const w = await mountWithApp(CdnPanel, { props });
    await tick();
    assert.match(w.get('[data-testid="cdn-status"]').text(), /Active/);
    assert.equal(w.findAll('form').length, 0);
    assert.ok(!w.findAll('button').some((b) => /Disable|Enable|Purge/.test(b.text())));
  });

  it('builds purge requests from the text', () => {
    assert.deepEqual(purgeBody('prefixes', '/img\r\n\n /css '), { prefixes: ['/img', '/css'] });
    assert.deepEqual(purgeBody('everything', 'ignored'), { everything: true });
  });
});
