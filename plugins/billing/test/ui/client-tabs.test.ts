import { useDom, mountWithApp, flushPromises } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { defineComponent, h, type Component } from 'vue';
import ToastService from 'primevue/toastservice';
import { setPermissions } from '@mpanel/sdk/ui';
import { SLOT_HOST, type SlotEntry } from '@mpanel/sdk/ui/vue';
import { i18n } from '../../../../admin-ui/src/shared/i18n.ts';
import { en } from '../../ui/src/messages.ts';
import { clientPanels, clientTabs } from '../../ui/src/slots.ts';
import ClientDetailView from '../../ui/src/admin/ClientDetailView.vue';

const CLIENT = { id: 'c1', email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace', companyName: null, country: 'GB', currency: 'GBP', notes: null, status: 'active', creditBalance: 300, taxId: null };

/** Another plugin's component: shows what billing's slot gave it. */
const Tickets = defineComponent({ props: { id: String, client: Object }, setup: (p) => () => h('p', { 'data-testid': 'tickets' }, `tickets of ${String(p.id)} ${String((p.client as { email?: string } | undefined)?.email)}`) });
/** The host's boundary, reduced to mounting the component with the slot's props. */
const Boundary = defineComponent({
  props: { pluginId: String, component: Object, componentProps: Object },
  setup: (p) => () => h(p.component as Component, p.componentProps),
});

/**
 * Billing's client page offers `billing.client.tabs` and `billing.client.panels`: what another
 * plugin puts there shows on the page with the client as props (the support plugin's "Tickets").
 */
describe('billing UI: the client page offers tabs and panels to other plugins', () => {
  useDom();
  const server = useFetch();
  before(() => i18n.global.mergeLocaleMessage('en', en));
  beforeEach(() => setPermissions(['clients.read', 'services.read', 'invoices.read', 'orders.read']));
  after(() => setPermissions([]));

  const mountPage = async (entries: Record<string, SlotEntry[]>) => {
    server.answer(({ url }) => (url.pathname === '/api/v1/clients/c1' ? json({ data: CLIENT }) : json({ data: [], meta: { total: 0, page: 1, perPage: 25 } })));
    const wrapper = await mountWithApp(ClientDetailView, {
      props: { id: 'c1' },
      global: { plugins: [ToastService], provide: { [SLOT_HOST as symbol]: { entries: (slot: string) => entries[slot] ?? [], boundary: Boundary } } },
    });
    await flushPromises();
    return wrapper;
  };

  it('shows a filled tab beside the client\'s own content, with the client as props', async () => {
    const wrapper = await mountPage({ [clientTabs.name]: [{ key: 'support:tickets', pluginId: 'support', title: 'Tickets', component: Tickets }] });
    const tabs = wrapper.findAll('[role="tab"]');
    assert.deepEqual(tabs.map((t) => t.text()), ['Overview', 'Tickets']);
    assert.equal(wrapper.get('[data-testid="client-credit"]').text(), '£3.00');
    assert.equal(wrapper.find('[data-testid="tickets"]').exists(), false);
    await tabs[1]!.trigger('click');
    assert.equal(wrapper.get('[data-testid="tickets"]').text(), 'tickets of c1 ada@example.test');
    assert.equal(wrapper.find('[data-testid="client-credit"]').exists(), false, 'the overview is another tab now');
    await tabs[0]!.trigger('click');
    assert.equal(wrapper.get('[data-testid="client-credit"]').text(), '£3.00');
  });

  it('shows a filled panel below the page, and no tab bar when no plugin adds a tab', async () => {
    const wrapper = await mountPage({ [clientPanels.name]: [{ key: 'support:latest', pluginId: 'support', title: 'Latest tickets', component: Tickets }] });
    assert.equal(wrapper.findAll('[role="tab"]').length, 0);
    assert.equal(wrapper.get('[data-panel="support:latest"] h2').text(), 'Latest tickets');
    assert.equal(wrapper.get('[data-panel="support:latest"] [data-testid="tickets"]').text(), 'tickets of c1 ada@example.test');
    assert.equal(wrapper.get('[data-testid="client-credit"]').text(), '£3.00');
  });
});
