import assert from 'node:assert/strict';
import { defineSlot, hostHolder, platformSlots, slotOwner, type SlotKind, type UiHost } from '@mpanel/sdk/ui';

describe('SDK UI: defineSlot and hostHolder', () => {
  it('a slot is "<owner>.<name>" of a known kind, frozen; its owner is the first segment', () => {
    const tabs = defineSlot<{ clientId: string }>('billing.client.tabs', { kind: 'tabs' });
    assert.deepEqual({ ...tabs }, { name: 'billing.client.tabs', kind: 'tabs' });
    assert.ok(Object.isFrozen(tabs));
    assert.equal(slotOwner(tabs.name), 'billing');
    assert.equal(slotOwner(platformSlots.dashboardWidgets.name), 'platform');
    for (const bad of ['tabs', 'Billing.Tabs', 'billing..tabs', 'billing.tabs.', '.tabs', 'billing tabs.x']) {
      assert.throws(() => defineSlot(bad, { kind: 'tabs' }), /is not "<owner>\.<name>"/, bad);
    }
    assert.throws(() => defineSlot('billing.x', { kind: 'modal' as SlotKind }), /kind "modal" is not one of/);
  });

  it('hostHolder hands components the host given to setup, and names the plugin when used before it', () => {
    const holder = hostHolder('gateway-x');
    assert.throws(() => holder.get(), /gateway-x: its UI was used before setup\(host\) ran/);
    const host = { pluginId: 'gateway-x' } as UiHost;
    holder.set(host);
    assert.equal(holder.get(), host);
  });
});
