import { useDom, mountWithApp, flushPromises } from '../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { defineComponent, h } from 'vue';
import ToastService from 'primevue/toastservice';
import { setPermissions } from '@mpanel/sdk/ui';
import { SLOT_OUTLET } from '@mpanel/sdk/ui/vue';
import { i18n } from '../../../../admin-ui/src/shared/i18n.ts';
import { fillSlot, offerSlot, resetSlots } from '../../../../admin-ui/src/shared/slots.ts';
import SlotOutlet from '../../../../admin-ui/src/shared/components/SlotOutlet.vue';
import { en } from '../../ui/src/messages.ts';
import { BILLING_SLOTS, clientPanels, clientTabs } from '../../ui/src/slots.ts';
import ClientDetailView from '../../ui/src/admin/ClientDetailView.vue';

const CLIENT = { id: 'c1', email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace', companyName: null, country: 'GB', currency: 'GBP', notes: null, status: 'active', creditBalance: 300, taxId: null };

/** Another plugin's component: shows what billing's page gave it. */
const Tickets = defineComponent({ props: { clientId: String, id: String }, setup: (p) => () => h('p', { class: 'tickets' }, `tickets of ${String(p.clientId ?? p.id)}`) });

/**
 * Billing's client page offers `billing.client.tabs` and `billing.client.panels` (now that the page
 * is billing's, billing's setup offers them): what another plugin puts there shows on the page,
 * given the client's id, next to billing's own content.
 */
describe('billing UI: the client page offers tabs and panels to other plugins', () => {
  useDom();
  const server = useFetch();
  before(() => i18n.global.mergeLocaleMessage('en', en));
  beforeEach(() => {
    setPermissions(['clients.read', 'services.read', 'invoices.read', 'orders.read']);
    resetSlots();
  });
  after(() => {
    setPermissions([]);
    resetSlots();
  });

  const mountPage = async () => {
    server.answer(({ url }) => (url.pathname === '/api/v1/clients/c1' ? json({ data: CLIENT }) : json({ data: [], meta: { total: 0, page: 1, perPage: 25 } })));
    const wrapper = await mountWithApp(ClientDetailView, { props: { id: 'c1' }, global: { plugins: [ToastService], provide: { [SLOT_OUTLET as symbol]: SlotOutlet } } });
    await flushPromises();
    return wrapper;
  };

  it('shows another plugin\'s tab and panel with the client\'s id, beside billing\'s own content', async () => {
    for (const slot of BILLING_SLOTS) offerSlot('billing', slot);
    fillSlot('support', clientTabs.name, { id: 'tickets', title: 'Tickets', component: Tickets });
    fillSlot('support', clientPanels.name, { id: 'latest', title: 'Latest tickets', component: Tickets });
    const wrapper = await mountPage();
    assert.deepEqual(wrapper.findAll('[role="tab"]').map((t) => t.text()), ['Tickets']);
    assert.equal(wrapper.get('[role="tabpanel"] .tickets').text(), 'tickets of c1');
    assert.equal(wrapper.get('[data-panel="support:latest"] h2').text(), 'Latest tickets');
    assert.equal(wrapper.get('[data-panel="support:latest"] .tickets').text(), 'tickets of c1');
    assert.equal(wrapper.get('[data-testid="client-credit"]').text(), '£3.00');
  });

  it('shows nothing of them while billing has not offered its slots (its UI did not load)', async () => {
    fillSlot('support', clientTabs.name, { id: 'tickets', title: 'Tickets', component: Tickets });
    const wrapper = await mountPage();
    assert.equal(wrapper.findAll('[role="tab"]').length, 0);
    assert.equal(wrapper.get('[data-testid="client-credit"]').text(), '£3.00');
  });
});
