/**
 * The host's side of open slots: which slots are offered (by which plugin) and what fills them.
 * Reactive, so a page's slot updates as plugin modules finish loading. The platform's own slots
 * (menus, pages, widgets, settings) are not stored here: filling one is the matching `add*` call
 * (see plugin-loader.ts).
 */
import { reactive } from 'vue';
import { can, slotOwner, type ComponentFill, type SlotFill, type SlotKind, type SlotRef, type UiPanelSlot } from '@mpanel/sdk/ui';

export interface SlotEntry extends ComponentFill {
  slot: string;
  pluginId: string;
}

export const slots = reactive({
  offered: {} as Record<string, { kind: SlotKind; owner: string }>,
  fills: [] as SlotEntry[],
});

/** `addPanel`'s closed list of before, as aliases of the open slots that replaced it. */
export const LEGACY_PANEL_SLOTS: Record<UiPanelSlot, string> = {
  'admin.invoice': 'billing.invoice.panels',
  'admin.client': 'billing.client.panels',
  'portal.invoice': 'billing.portal-invoice.panels',
  'portal.dashboard': 'platform.portal-dashboard.panels',
};

export function resetSlots(): void {
  for (const name of Object.keys(slots.offered)) delete slots.offered[name];
  slots.fills.splice(0);
}

/** Records a slot `owner` offers; a name outside the owner's namespace is refused (names belong to their owner). */
export function offerSlot(owner: string, slot: SlotRef<object>): void {
  if (slotOwner(slot.name) !== owner) {
    console.warn(`[mpanel] ${owner} cannot offer the slot "${slot.name}": slot names start with the offering plugin's id`);
    return;
  }
  slots.offered[slot.name] = { kind: slot.kind, owner };
}

export function fillSlot(pluginId: string, name: string, fill: SlotFill): void {
  if (!('component' in fill) || !fill.component) {
    console.warn(`[mpanel] ${pluginId} filled "${name}" without a component: ignored`);
    return;
  }
  if (slots.fills.some((f) => f.slot === name && f.pluginId === pluginId && f.id === fill.id)) return;
  slots.fills.push({ ...fill, component: fill.component, slot: name, pluginId });
}

/** The fills a page shows: the slot is offered (its owner is active), the user holds each one's permission; by `order`. */
export function visibleFills(name: string): SlotEntry[] {
  if (!slots.offered[name]) return [];
  return slots.fills
    .filter((f) => f.slot === name && can(f.permission))
    .map((f, index) => ({ f, index }))
    .sort((a, b) => (a.f.order ?? 100) - (b.f.order ?? 100) || a.index - b.index)
    .map(({ f }) => f);
}

/**
 * After every plugin loaded: a fill of a slot its active owner does not offer is a warning (a typo,
 * a version mismatch). A slot whose owner is not active for the tenant just renders nothing.
 */
export function warnUnknownFills(activeOwners: ReadonlySet<string>): string[] {
  const unknown = [...new Set(slots.fills.filter((f) => !slots.offered[f.slot] && activeOwners.has(slotOwner(f.slot))).map((f) => `${f.pluginId} → ${f.slot}`))];
  for (const what of unknown) console.warn(`[mpanel] plugin fills a slot nobody offers: ${what}`);
  return unknown;
}
