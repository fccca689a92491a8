import { useDom, mountWithApp, flushPromises } from './support/mount.ts';
import assert from 'node:assert/strict';
import type { Component } from 'vue';
import { resolveComponent } from '../src/shared/extensions.ts';
import type { UiHost, UiPluginDefinition } from '@mpanel/sdk/ui';

// The plugin's UI sources (.vue + TS, what `mpanel plugin:build` bundles): the test hooks compile them.
const MANUAL_UI = '../../plugins/gateway-manual/ui/src/index.ts';

/**
 * gateway-manual's invoice panel, with a host whose API answers what the server would: the
 * instructions for the amount due at the time of the request.
 */
describe('gateway-manual instructions panel', () => {
  useDom();

  it('asks for the amount still due after a partial payment, not the amount first shown', async () => {
    let due = 2500;
    const asked: string[] = [];
    let lazyPanel: unknown;
    const host = {
      area: 'admin',
      api: { get: async (path: string) => { asked.push(path); return { displayName: 'Bank transfer', instructions: `Please transfer ${(due / 100).toFixed(2)} EUR` }; } },
      fill: (slot: string, p: { component: unknown }) => { if (slot === 'billing.invoice.panels') lazyPanel = p.component; },
    } as unknown as UiHost;
    const manualUi = ((await import(MANUAL_UI)) as { default: UiPluginDefinition }).default;
    await manualUi.setup(host);
    const panel = (await resolveComponent(lazyPanel)) as Component | undefined; // loaded lazily, as the host's boundary does
    assert.ok(panel);
    const w = await mountWithApp(panel, { props: { id: 'inv-1', invoice: { id: 'inv-1', amountDue: due } } });
    await flushPromises();
    assert.match(w.get('[data-testid="manual-instructions"]').text(), /25\.00 EUR/);
    due = 1500; // staff record a partial payment of 10.00; the page reloads the invoice
    await w.setProps({ invoice: { id: 'inv-1', amountDue: due } });
    await flushPromises();
    assert.match(w.get('[data-testid="manual-instructions"]').text(), /15\.00 EUR/);
    assert.equal(asked.length, 2);
  });
});
