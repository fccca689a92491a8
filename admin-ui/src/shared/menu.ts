import { can } from '@mpanel/sdk/ui';
import type { NavEntry } from './extensions.ts';

export interface MenuSection {
  group: string;
  entries: NavEntry[];
}

/**
 * The menu a user sees: core entries plus plugin entries, only those whose permission the user
 * holds (the API would answer 403 behind the others), in the given group order, each group by
 * `order`, empty groups left out. A plugin entry for a screen the core menu already has
 * (billing's manifest names /admin/clients) is shown once, as the core entry.
 */
export function menuSections(coreNav: readonly NavEntry[], pluginNav: readonly NavEntry[], groups: readonly string[]): MenuSection[] {
  const coreTargets = new Set(coreNav.map((e) => e.to));
  const visible = [...coreNav, ...pluginNav.filter((e) => !coreTargets.has(e.to))].filter((entry) => can(entry.permission));
  return groups
    .map((group) => ({ group, entries: visible.filter((e) => e.group === group).sort((a, b) => a.order - b.order) }))
    .filter((s) => s.entries.length > 0);
}
