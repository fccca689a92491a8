import { useDom, mountWithApp, flushPromises } from './support/mount.ts';
import { json, useFetch } from './support/fetch.ts';
import assert from 'node:assert/strict';
import { defineComponent, h } from 'vue';
import { defineSlot, defineUiPlugin, platformSlots, setPermissions, type UiPluginDefinition } from '@mpanel/sdk/ui';
import { PluginSlot, SLOT_OUTLET } from '@mpanel/sdk/ui/vue';
import { loadPlugins } from '../src/shared/plugin-loader.ts';
import { extensions } from '../src/shared/extensions.ts';
// The slots billing's own UI offers (its setup calls host.offer for each).
import { BILLING_SLOTS, clientPanels, clientTabs } from '../../plugins/billing/ui/src/slots.ts';
import SlotOutlet from '../src/shared/components/SlotOutlet.vue';

const Tickets = defineComponent({ props: { clientId: { type: String, required: true } }, setup: (p) => () => h('p', { class: 'tickets' }, `Tickets of ${p.clientId}`) });
const Crashing = defineComponent({ setup: () => () => { throw new Error('tab kaboom'); } });
const Note = defineComponent({ props: { id: { type: String, required: true } }, setup: (p) => () => h('p', { class: 'note' }, `Legacy panel for ${p.id}`) });

const plugin = (id: string, moduleUrl: string | null = `/admin/plugin-ui/${id}/index.js`) => ({ id, name: id, version: '1.0.0', ui: {}, hasSettings: false, moduleUrl });

/** Loads these plugin modules through the real loader (the plugin list answered by a fake API). */
async function load(list: ReturnType<typeof plugin>[], modules: Record<string, UiPluginDefinition>, answer: ReturnType<typeof useFetch>['answer']) {
  answer(() => json({ data: list }));
  await loadPlugins({ area: 'admin', onPage: () => undefined, notify: () => undefined, importModule: async (url) => ({ default: modules[url.split('/')[3]!] }) });
}

describe('admin-ui open slots (PluginSlot, host.offer/fill)', () => {
  useDom();
  const { answer } = useFetch();
  const warnings: string[] = [];
  const warn = console.warn;
  beforeEach(() => {
    warnings.length = 0;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    setPermissions(['tickets.read', 'notes.read']);
  });
  afterEach(() => {
    console.warn = warn;
  });

  let ticketLoads = 0;
  let crashLoads = 0;
  const support = defineUiPlugin({
    id: 'support',
    setup(host) {
      host.fill(clientTabs, { id: 'crash', title: 'Crashing', order: 30, component: () => (crashLoads++, Promise.resolve({ default: Crashing })) });
      host.fill('billing.client.tabs', { id: 'tickets', title: 'Tickets', permission: 'tickets.read', order: 20, component: () => (ticketLoads++, Promise.resolve({ default: Tickets })) });
      host.fill(clientTabs, { id: 'secret', title: 'Secret', permission: 'nobody.has-this', component: Tickets });
      host.addPanel({ id: 'note', slot: 'admin.client', permission: 'notes.read', component: Note }); // the old closed list, now an alias
      host.fill(platformSlots.dashboardWidgets, { id: 'queue', title: 'Queue', component: Note });
      host.fill('billing.no-such.tabs', { id: 'typo', title: 'Typo', component: Note });
      host.fill('hosting.service.tabs', { id: 'not-here', title: 'Hosting is off', component: Note });
    },
  });
  const billing = defineUiPlugin({ id: 'billing', setup: (host) => BILLING_SLOTS.forEach((slot) => host.offer(slot)) });
  const offerer = defineUiPlugin({
    id: 'offerer',
    setup(host) {
      host.offer(defineSlot('offerer.things.panels', { kind: 'panels' }));
      host.offer(defineSlot('billing.stolen.tabs', { kind: 'tabs' }));
    },
  });

  it('tabs: only the permitted fills, in order, loaded when opened, a throwing one in its boundary; the page goes on', async () => {
    ticketLoads = crashLoads = 0;
    await load([plugin('billing'), plugin('support'), plugin('offerer')], { billing, support, offerer }, answer);
    const Page = defineComponent({
      setup: () => () => h('div', [h(PluginSlot, { slot: clientTabs, props: { clientId: 'c-1' } }), h('p', { class: 'core' }, 'Core content')]),
    });
    const w = await mountWithApp(Page, { global: { provide: { [SLOT_OUTLET as symbol]: SlotOutlet } } });
    await flushPromises();
    assert.deepEqual(w.findAll('[role="tab"]').map((t) => t.text()), ['Tickets', 'Crashing'], 'ordered; "Secret" needs a permission the user lacks');
    assert.equal(w.get('[role="tabpanel"] .tickets').text(), 'Tickets of c-1', 'the page\'s props reach the fill');
    assert.equal(crashLoads, 0, 'a tab loads when first opened');
    await w.get('[data-tab="support:crash"]').trigger('click');
    await flushPromises();
    assert.equal(crashLoads, 1);
    assert.equal(w.get('[role="tabpanel"] [data-plugin-error="support"]').text(), 'The plugin "support" could not be shown: tab kaboom');
    assert.equal(w.get('.core').text(), 'Core content');
    await w.get('[data-tab="support:tickets"]').trigger('click');
    await flushPromises();
    assert.equal(w.get('[role="tabpanel"] .tickets').text(), 'Tickets of c-1', 'the other tab still works');
    assert.equal(w.get('[data-tab="support:tickets"]').attributes('aria-selected'), 'true');
    assert.equal(w.get('[data-tabpanel="support:crash"]').isVisible(), false, 'the other tab is hidden, kept');
    assert.equal(ticketLoads, 1, 'loaded once');
  });

  it('the old addPanel slots are aliases; platform slots are the add* calls; unknown or foreign slots warn', async () => {
    await load([plugin('billing'), plugin('support'), plugin('offerer')], { billing, support, offerer }, answer);
    const w = await mountWithApp(PluginSlot, { props: { slot: clientPanels, props: { id: 'c-9' } }, global: { provide: { [SLOT_OUTLET as symbol]: SlotOutlet } } });
    await flushPromises();
    assert.equal(w.get('[data-panel="support:note"] .note').text(), 'Legacy panel for c-9');
    assert.deepEqual(extensions.widgets.map((x) => `${x.pluginId}:${x.id}`), ['support:queue']);
    assert.ok(warnings.some((x) => /offerer cannot offer the slot "billing\.stolen\.tabs"/.test(x)), 'names belong to their owner');
    assert.ok(warnings.some((x) => /slot nobody offers: support → billing\.no-such\.tabs/.test(x)), 'a typo warns');
    assert.ok(!warnings.some((x) => /hosting\.service\.tabs/.test(x)), 'an owner not active for the tenant is silent');
  });

  it('a slot offered by a plugin disabled for the tenant renders nothing (fills and all)', async () => {
    await load([plugin('support')], { support }, answer); // billing is off for this tenant
    const w = await mountWithApp(PluginSlot, { props: { slot: clientTabs, props: { clientId: 'c-1' } }, global: { provide: { [SLOT_OUTLET as symbol]: SlotOutlet } } });
    await flushPromises();
    assert.equal(w.findAll('[role="tab"]').length, 0);
    assert.equal(w.text(), '');
    assert.ok(!warnings.some((x) => /billing\.client\.tabs/.test(x)), 'not a typo: its owner is just off');
  });
});
