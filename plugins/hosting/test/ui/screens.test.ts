import { useDom, mountWithApp, flushPromises, memoryRouter } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { markRaw } from 'vue';
import ToastService from 'primevue/toastservice';
import { setPermissions } from '@mpanel/sdk/ui';
import { SLOT_OUTLET } from '@mpanel/sdk/ui/vue';
import { i18n } from '../../../../admin-ui/src/shared/i18n.ts';
import { fillSlot, offerSlot, resetSlots } from '../../../../admin-ui/src/shared/slots.ts';
import SlotOutlet from '../../../../admin-ui/src/shared/components/SlotOutlet.vue';
import { en } from '../../ui/src/messages.ts';
import { en as billingEn } from '../../../billing/ui/src/messages.ts';
import { BILLING_SLOTS } from '../../../billing/ui/src/slots.ts';
import ServiceDetailView from '../../../billing/ui/src/admin/ServiceDetailView.vue';
import ServiceHostingTab from '../../ui/src/admin/ServiceHostingTab.vue';
import OperationActions from '../../ui/src/components/OperationActions.vue';
import DatabasesSection from '../../ui/src/portal/DatabasesSection.vue';
import SftpSection from '../../ui/src/portal/SftpSection.vue';
import SetupProgress from '../../ui/src/portal/SetupProgress.vue';
import ProvisioningView from '../../ui/src/admin/ProvisioningView.vue';

const list = (data: unknown[]) => json({ data, meta: { total: data.length, page: 1, perPage: 20 } });
const tick = async () => {
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
};
/** PrimeVue's Dialog renders into document.body (teleport): found there, not in the wrapper. */
const dialogButton = (testId: string) => document.body.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);

describe('hosting UI screens', () => {
  useDom();
  const server = useFetch();
  before(() => {
    i18n.global.mergeLocaleMessage('en', billingEn);
    i18n.global.mergeLocaleMessage('en', en);
  });
  afterEach(() => {
    setPermissions([]);
    resetSlots();
  });
  const mountIt = (component: Parameters<typeof mountWithApp>[0], options: Record<string, unknown> = {}) =>
    mountWithApp(component, { ...options, global: { plugins: [ToastService], provide: { [SLOT_OUTLET as symbol]: SlotOutlet } } } as never);

  it('retry asks in a dialog first; only "yes" calls the API', async () => {
    setPermissions(['provisioning.manage']);
    server.answer(() => json({ data: { id: 'o1', status: 'queued' } }));
    const wrapper = await mountIt(OperationActions, { props: { operation: { id: 'o1', status: 'needs_attention', action: 'create' } } });
    const retry = wrapper.findAll('button').find((b) => b.text() === 'Retry');
    assert.ok(retry, 'a retry button');
    assert.ok(wrapper.findAll('button').some((b) => b.text() === 'Cancel operation'));
    await retry.trigger('click');
    await tick();
    assert.match(document.body.textContent ?? '', /Run "create" again now\?/);
    assert.equal(server.calls.length, 0, 'nothing sent before the answer');
    dialogButton('confirm-yes')!.click();
    await tick();
    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.url.pathname}`), ['POST /api/v1/provisioning/operations/o1/retry']);
    assert.equal(wrapper.emitted('changed')?.length, 1);
  });

  it('a succeeded operation offers neither retry nor cancel, and nothing shows without provisioning.manage', async () => {
    setPermissions(['provisioning.manage']);
    const done = await mountIt(OperationActions, { props: { operation: { id: 'o1', status: 'succeeded', action: 'create' } } });
    assert.equal(done.findAll('button').length, 0);
    setPermissions(['provisioning.read']);
    const readOnly = await mountIt(OperationActions, { props: { operation: { id: 'o2', status: 'needs_attention', action: 'create' } } });
    assert.equal(readOnly.findAll('button').length, 0);
  });

  it('a new database\'s password is shown once, and gone once dismissed', async () => {
    setPermissions(['databases.read', 'databases.write']);
    const rows: unknown[] = [];
    server.answer(({ method }) => {
      if (method === 'POST') {
        const db = { id: 'd1', accountId: 'a1', engine: 'mariadb', name: 'acct_shop', dbUser: 'acct_shop', state: 'creating' };
        rows.push(db);
        return json({ data: { ...db, password: 'Sx9-once-only-7Qv' } }, 201);
      }
      return list(rows);
    });
    const wrapper = await mountIt(DatabasesSection, { props: { accountId: 'a1', room: true } });
    await tick();
    await wrapper.get('[data-testid="add-databases"]').trigger('click');
    await wrapper.get('#new-databases-name').setValue('shop');
    await wrapper.get('form').trigger('submit');
    await tick();
    const post = server.calls.find((c) => c.method === 'POST')!;
    assert.equal(post.url.pathname, '/api/v1/hosting-accounts/a1/databases');
    assert.deepEqual(post.body, { name: 'shop' });
    assert.equal(wrapper.get('[data-testid="secret-value"]').text(), 'Sx9-once-only-7Qv');
    assert.match(wrapper.text(), /shown only this once/);
    // The list (reloaded) never carries the password.
    assert.ok(!wrapper.get('table').text().includes('Sx9-once-only-7Qv'));
    await wrapper.findAll('button').find((b) => b.text() === 'I have saved it')!.trigger('click');
    assert.equal(wrapper.find('[data-testid="secret-once"]').exists(), false);
  });

  it('no "create" past the plan\'s database limit', async () => {
    setPermissions(['databases.read', 'databases.write']);
    server.answer(() => list([]));
    const wrapper = await mountIt(DatabasesSection, { props: { accountId: 'a1', room: false } });
    await tick();
    assert.equal(wrapper.find('[data-testid="add-databases"]').exists(), false);
    assert.equal(wrapper.get('[data-testid="limit-databases"]').text(), 'Your plan\'s limit is reached.');
  });

  it('SFTP has no plan limit: its "add" is always offered; a pasted private key is refused naming the field', async () => {
    setPermissions(['sftp-users.read', 'sftp-users.write']);
    server.answer(() => list([]));
    const wrapper = await mountIt(SftpSection, { props: { accountId: 'a1' } });
    await tick();
    assert.equal(wrapper.find('[data-testid="limit-sftp-users"]').exists(), false);
    await wrapper.get('[data-testid="add-sftp-users"]').trigger('click');
    await wrapper.get('#new-sftp-users-username').setValue('deploy');
    await wrapper.get('#new-sftp-users-authorizedKeys').setValue('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----');
    await wrapper.get('form').trigger('submit');
    await tick();
    assert.equal(server.calls.filter((c) => c.method === 'POST').length, 0);
    assert.match(wrapper.get('#new-sftp-users-authorizedKeys-error').text(), /private key/);
  });

  it('set-up progress: "step 3 of 6", then a neutral message when it fails (never the error)', async () => {
    let answer: unknown = { accountId: 'a1', state: 'setting_up', step: 3, of: 6, label: 'Setting up your website', message: 'Setting up your hosting: step 3 of 6' };
    server.answer(() => json({ data: answer }));
    const wrapper = await mountIt(SetupProgress, { props: { accountId: 'a1' } });
    await tick();
    assert.equal(server.calls[0]!.url.pathname, '/api/v1/hosting-accounts/a1/progress');
    assert.equal(wrapper.get('[data-testid="setup-progress"] h2').text(), 'Setting up your hosting: step 3 of 6');
    assert.match(wrapper.text(), /Setting up your website/);
    assert.equal(wrapper.get('progress').attributes('value'), '3');
    // Whatever else a (future) answer carried, only the neutral sentence is shown.
    answer = { accountId: 'a1', state: 'needs_staff', step: 3, of: 6, label: 'Setting up your website', message: 'Setting up your hosting is taking longer than expected. Our staff have been notified and are on it.', errorCode: 'AUTH', errorMessage: 'root password rejected by web1' };
    wrapper.unmount();
    const failed = await mountIt(SetupProgress, { props: { accountId: 'a1' } });
    await tick();
    assert.match(failed.get('[data-testid="setup-failed"]').text(), /Our staff have been notified/);
    assert.ok(!failed.text().includes('root password'), 'the raw error stays with staff');
    assert.ok(!failed.text().includes('AUTH'));
  });

  it('billing\'s service page shows the Hosting tab: intent beside observed, drift flagged', async () => {
    setPermissions(['services.read', 'hosting-accounts.read']);
    for (const slot of BILLING_SLOTS) offerSlot('billing', slot);
    fillSlot('hosting', 'billing.service.tabs', { id: 'hosting', title: 'Hosting', component: markRaw(ServiceHostingTab) });
    server.answer(({ url }) => {
      if (url.pathname === '/api/v1/services/s1') return json({ data: { id: 's1', clientId: 'c1', productId: 'p1', status: 'suspended', cycle: 'monthly', amount: 1200, currency: 'USD', domain: 'shop.test', nextDueDate: null, suspendReason: 'overdue' } });
      if (url.pathname === '/api/v1/hosting-accounts') {
        assert.equal(url.searchParams.get('serviceId'), 's1');
        return list([{ id: 'a1', serviceId: 's1', serverId: 'v1', planId: 'p1', username: 'shop1', desiredState: 'suspended', observedState: 'active', observedAt: null, drift: [] }]);
      }
      return list([]);
    });
    const wrapper = await mountIt(ServiceDetailView, { props: { id: 's1' } });
    await tick();
    assert.deepEqual(wrapper.findAll('[role="tab"]').map((t) => t.text()), ['Hosting']);
    await tick();
    const tab = wrapper.get('[data-testid="service-hosting"]');
    assert.equal(tab.get('[data-testid="intent"]').text(), 'suspended');
    assert.equal(tab.get('[data-testid="observed"]').text(), 'active');
    assert.equal(tab.get('[data-testid="state-compare"]').attributes('data-drift'), 'true');
    assert.match(tab.get('[data-testid="drift"]').text(), /disagree/);
  });

  it('the Provisioning page keeps its filters in the URL and sends them to the API', async () => {
    setPermissions(['provisioning.read', 'servers.read']);
    server.answer(({ url }) => (url.pathname === '/api/v1/servers' ? list([{ id: 'v1', name: 'web1' }]) : list([])));
    const router = await memoryRouter('/provisioning?status=needs_attention&serverId=v1');
    const wrapper = await mountWithApp(ProvisioningView, { router, global: { plugins: [ToastService] } });
    await tick();
    const ops = server.calls.filter((c) => c.url.pathname === '/api/v1/provisioning/operations');
    assert.equal(ops.at(-1)!.url.searchParams.get('status'), 'needs_attention');
    assert.equal(ops.at(-1)!.url.searchParams.get('serverId'), 'v1');
    assert.equal((wrapper.get('#filter-serverId').element as HTMLSelectElement).value, 'v1');
    await wrapper.get('#filter-action').setValue('suspend');
    await tick();
    assert.equal(router.currentRoute.value.query.action, 'suspend');
    assert.equal(router.currentRoute.value.query.status, 'needs_attention');
    assert.equal(server.calls.filter((c) => c.url.pathname === '/api/v1/provisioning/operations').at(-1)!.url.searchParams.get('action'), 'suspend');
  });
});
