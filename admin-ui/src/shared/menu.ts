import { can } from '@mpanel/sdk/ui';
import type { NavEntry } from './extensions.ts';

export interface MenuSection {
  group: string;
  entries: NavEntry[];
}

/**
 * The menu a user sees: core entries plus plugin entries, only those whose permission the user
 * holds (the API would answer 403 behind the others), in the given group order, each group by
 * `order`, empty groups left out. A plugin entry for a screen the core menu already has is shown
 * once, as the core entry.
 */
export function menuSections(coreNav: readonly NavEntry[], pluginNav: readonly NavEntry[], groups: readonly string[]): MenuSection[] {
  const coreTargets = new Set(coreNav.map((e) => e.to));
  const visible = [...coreNav, ...pluginNav.filter((e) => !coreTargets.has(e.to))].filter((entry) => can(entry.permission));
  // `*` in the order: the groups plugins bring (billing's), in the order their entries came.
  const named = new Set(groups);
  const brought = [...new Set(visible.map((e) => e.group))].filter((g) => !named.has(g));
  return groups
    .flatMap((group) => (group === '*' ? brought : [group]))
    .map((group) => ({ group, entries: visible.filter((e) => e.group === group).sort((a, b) => a.order - b.order) }))
    .filter((s) => s.entries.length > 0);
}
