/**
 * Slots a plugin offers on its own screens (tabs and panels on its records) for other plugins to
 * fill. The offering plugin exports the token; a filling plugin passes its name to
 * `host.addPanel({ slot: token.name, ... })` and its component receives the token's props.
 */
import type { Component, InjectionKey } from 'vue';

/** A named slot with the props its entries receive (`Props` exists for types only). */
export interface SlotToken<Props extends object> {
  readonly name: string;
  /** Never set: carries `Props` so a filler's component can be typed against the offer. */
  readonly props?: Props;
}

export function defineSlot<Props extends object>(name: string): SlotToken<Props> {
  return Object.freeze({ name });
}

/** One filled entry of a slot, as the host hands it to `PluginSlot`. */
export interface SlotEntry {
  key: string;
  pluginId: string;
  title?: string | undefined;
  component: unknown;
}

/**
 * What the host provides to `PluginSlot`: the entries the user may see in a slot, and the error
 * boundary each entry is mounted in (a failing plugin shows a notice, the page keeps working).
 */
export interface SlotHost {
  entries(slot: string): SlotEntry[];
  boundary: Component;
}

export const SLOT_HOST: InjectionKey<SlotHost> = Symbol('mpanel.slot-host');
