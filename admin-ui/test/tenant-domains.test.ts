import { useDom, mountWithApp, flushPromises } from './support/mount.ts';
import { useFetch, json } from './support/fetch.ts';
import assert from 'node:assert/strict';
import { setPermissions } from '@mpanel/sdk/ui';
import TenantDomains from '../src/admin/views/platform/TenantDomains.vue';

const TENANT = '11111111-1111-4111-8111-111111111111';
const pending = {
  id: 'd1',
  domain: 'shop.example.com',
  status: 'pending',
  verification: {
    dns: { type: 'TXT', name: '_mpanel-verification.shop.example.com', value: 'mpanel-verification=abc' },
    http: { url: 'http://shop.example.com/.well-known/mpanel-verification/abc', body: 'abc' },
  },
};

describe('admin-ui tenant page: domains are claimed, then verified', () => {
  useDom();
  const server = useFetch();
  beforeEach(() => setPermissions(['tenants.read', 'tenants.update']));
  after(() => setPermissions([]));

  it('shows what to publish for a pending domain, verifies it and lists it again', async () => {
    let verified = false;
    server.answer(({ method, url }) => {
      if (method === 'POST' && url.pathname.endsWith('/verify')) {
        verified = true;
        return json({ data: { ...pending, status: 'verified', verification: undefined } });
      }
      const row = verified ? { ...pending, status: 'verified', verification: undefined } : pending;
      return json({ data: [row], meta: { total: 1, page: 1, perPage: 1 } });
    });
    const wrapper = await mountWithApp(TenantDomains, { props: { tenantId: TENANT } });
    await flushPromises();
    assert.match(wrapper.text(), /_mpanel-verification\.shop\.example\.com/);
    assert.match(wrapper.text(), /pending/);
    await wrapper.findAll('button').find((b) => b.text() === 'Verify')!.trigger('click');
    await flushPromises();
    assert.deepEqual(server.calls.map((c) => [c.method, c.url.pathname]), [
      ['GET', `/api/v1/tenants/${TENANT}/domains`],
      ['POST', `/api/v1/tenants/${TENANT}/domains/d1/verify`],
      ['GET', `/api/v1/tenants/${TENANT}/domains`],
    ]);
    assert.ok(!wrapper.text().includes('_mpanel-verification'), 'verified: nothing left to publish');
  });

  it("shows the API's reason when a claim is refused", async () => {
    server.answer(({ method }) => (method === 'POST' ? json({ error: 'Validation failed', details: { domain: 'is reserved for the platform' } }, 400) : json({ data: [], meta: { total: 0, page: 1, perPage: 1 } })));
    const wrapper = await mountWithApp(TenantDomains, { props: { tenantId: TENANT } });
    await flushPromises();
    await wrapper.find('input').setValue('panel.platform.test');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    assert.deepEqual(server.calls.at(-1)?.body, { domain: 'panel.platform.test' });
    assert.match(wrapper.find('[role="alert"]').text(), /reserved for the platform/);
  });
});
