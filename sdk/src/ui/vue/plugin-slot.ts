import { defineComponent, h, inject, type Component, type InjectionKey } from 'vue';
import type { SlotRef } from '../slots.ts';

/**
 * The host's renderer of slots (its tabs, panels and error boundaries), provided on the app. The
 * SDK only carries the typed contract; how a slot looks is the host's.
 */
export const SLOT_OUTLET: InjectionKey<Component> = Symbol.for('mpanel.slot-outlet');

/**
 * Where a page offers a slot: `<PluginSlot :slot="clientTabs" :props="{ clientId }" />`. `props`
 * is checked against the slot's declared props; every visible fill gets them.
 */
export const PluginSlot = defineComponent(
  <P extends object>(props: { slot: SlotRef<P>; props: P }) => {
    const outlet = inject(SLOT_OUTLET, null);
    if (!outlet) console.warn(`[mpanel] <PluginSlot> "${props.slot.name}" has no host outlet: nothing rendered`);
    return () => (outlet ? h(outlet, { slot: props.slot, props: props.props }) : null);
  },
  { name: 'PluginSlot', props: ['slot', 'props'] },
);
