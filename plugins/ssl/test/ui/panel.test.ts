import { useDom, mountWithApp, flushPromises } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { setPermissions, type UiHost, type UiPluginDefinition } from '@mpanel/sdk/ui';
import { websitePanels } from '../../../hosting/ui/src/slots.ts';
import SslPanel from '../../ui/src/SslPanel.vue';

const tick = async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
};

const CERT = {
  id: '22222222-2222-4222-8222-222222222222', names: ['shop.example', 'www.shop.example'], primaryName: 'shop.example', siteId: 'w1', clientId: 'c1',
  challenge: 'http-01', status: 'active', health: 'renewal_failing', autoRenew: true, notBefore: '2026-11-01T00:00:00.000Z', notAfter: '2027-01-30T00:00:00.000Z',
  renewAt: '2026-12-31T00:00:00.000Z', failureCount: 2, nextAttemptAt: '2026-12-08T10:00:00.000Z',
  lastError: 'The CA could not fetch the challenge file from shop.example: nginx answered 404', lastErrorAt: '2026-12-07T10:00:00.000Z',
  inProgress: false, issuedAt: '2026-11-01T00:00:00.000Z', installedAt: '2026-11-01T00:01:00.000Z', issuer: 'Pebble',
};

describe('ssl UI: the certificate panel on a website', () => {
  useDom();
  const server = useFetch();
  afterEach(() => setPermissions([]));
  const props = { accountId: 'a1', websiteId: 'w1', domain: 'shop.example' };

  it('fills the website panels slot hosting offers, in both areas, beside its own pages', async () => {
    for (const area of ['admin', 'portal']) {
      const filled: string[] = [];
      const host = { area, fill: (slot: string) => filled.push(slot), addMessages() {}, addRoute() {}, addMenuItem() {}, addWidget() {} } as unknown as UiHost;
      const ui = ((await import('../../ui/src/index.ts')) as { default: UiPluginDefinition }).default;
      await ui.setup(host);
      assert.deepEqual(filled, [websitePanels.name], area);
    }
  });

  it('shows the website\'s certificate: status, expiry, next attempt, the last error in plain words; Renew now queues a renewal', async () => {
    setPermissions(['certificates.read', 'certificates.write']);
    server.answer((call) => (call.method === 'GET'
      ? json({ data: [CERT], meta: { total: 1, page: 1, perPage: 20 } })
      : json({ data: { ...CERT, nextAttemptAt: null, inProgress: true } }, 202)));
    const w = await mountWithApp(SslPanel, { props });
    await tick();
    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.url.pathname}?${c.url.searchParams.get('siteId')}`), ['GET /api/v1/certificates?w1']);
    assert.equal(w.get('[data-testid="ssl-status"]').text(), 'Renewal failing');
    assert.match(w.get('[data-testid="ssl-expiry"]').text(), /2027/);
    assert.match(w.get('[data-testid="ssl-next"]').text(), /failures: 2/);
    assert.match(w.get('[data-testid="ssl-last-error"]').text(), /could not fetch the challenge file.*404/);
    const renew = w.get(`[data-testid="ssl-renew-${CERT.id}"]`);
    await renew.trigger('click');
    await tick();
    assert.deepEqual([server.calls[1]!.method, server.calls[1]!.url.pathname], ['POST', `/api/v1/certificates/${CERT.id}/renewals`]);
    assert.match(w.get('[data-testid="ssl-notice"]').text(), /Renewal queued/);
    assert.equal(w.get('[data-testid="ssl-status"]').text(), 'Working on it…');
    assert.equal((w.get(`[data-testid="ssl-renew-${CERT.id}"]`).element as HTMLButtonElement).disabled, true, 'no second click while it runs');
  });

  it('a renewal the API refuses (409 while one runs) shows the API\'s words', async () => {
    setPermissions(['certificates.read', 'certificates.write']);
    server.answer((call) => (call.method === 'GET'
      ? json({ data: [{ ...CERT, health: 'ok', failureCount: 0, lastError: null, nextAttemptAt: null }], meta: { total: 1, page: 1, perPage: 20 } })
      : json({ error: 'This certificate is being issued right now: wait for the result' }, 409)));
    const w = await mountWithApp(SslPanel, { props });
    await tick();
    assert.equal(w.get('[data-testid="ssl-status"]').text(), 'Valid');
    assert.equal(w.findAll('[data-testid="ssl-last-error"]').length, 0);
    assert.match(w.get('[data-testid="ssl-next"]').text(), /2026/);
    await w.get(`[data-testid="ssl-renew-${CERT.id}"]`).trigger('click');
    await tick();
    assert.match(w.get('[data-testid="ssl-error"]').text(), /being issued right now/);
  });

  it('no certificate: says so; a reader gets no Renew button', async () => {
    setPermissions(['certificates.read']);
    server.answer(() => json({ data: [], meta: { total: 0, page: 1, perPage: 20 } }));
    const w = await mountWithApp(SslPanel, { props });
    await tick();
    assert.match(w.get('[data-testid="ssl-none"]').text(), /no certificate/);
    server.answer(() => json({ data: [CERT], meta: { total: 1, page: 1, perPage: 20 } }));
    const r = await mountWithApp(SslPanel, { props });
    await tick();
    assert.equal(r.findAll('button').length, 0);
  });
});
