import semver from 'semver';
import type { PluginManifest } from '@mpanel/sdk';

export interface OrderResult {
  /** Loadable plugins, dependencies first. */
  order: string[];
  /** Plugins that cannot load, with why (missing or mismatched dependency, cycle). */
  rejected: Map<string, string>;
}

/**
 * Orders plugins by a topological sort of `dependencies` (and `optionalDependencies` that are
 * present) — never by folder order. Ties are broken by id so the order is stable. A plugin in a
 * cycle, with a missing or mismatched dependency, or depending on a rejected plugin is rejected.
 */
export function orderPlugins(manifests: PluginManifest[]): OrderResult {
  const byId = new Map(manifests.map((m) => [m.id, m]));
  const rejected = new Map<string, string>();
  const edges = new Map<string, string[]>();
  for (const m of manifests) {
    const deps: string[] = [];
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
      const target = byId.get(dep);
      if (!target) rejected.set(m.id, `Plugin "${m.id}" depends on "${dep}" ${range}, which is not installed`);
      else if (!semver.satisfies(target.version, range, { includePrerelease: true })) rejected.set(m.id, `Plugin "${m.id}" depends on "${dep}" ${range}, but ${target.version} is installed`);
      deps.push(dep);
    }
    for (const [dep, range] of Object.entries(m.optionalDependencies ?? {})) {
      const target = byId.get(dep);
      if (!target) continue;
      if (!semver.satisfies(target.version, range, { includePrerelease: true })) rejected.set(m.id, `Plugin "${m.id}" optionally depends on "${dep}" ${range}, but ${target.version} is installed`);
      deps.push(dep);
    }
    edges.set(m.id, deps);
  }

  // Kahn's algorithm; whatever is left afterwards sits on or behind a cycle.
  const remaining = new Map([...edges].map(([id, deps]) => [id, new Set(deps.filter((d) => byId.has(d)))]));
  const order: string[] = [];
  for (;;) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([id]) => id).sort();
    if (!ready.length) break;
    for (const id of ready) {
      remaining.delete(id);
      order.push(id);
      for (const deps of remaining.values()) deps.delete(id);
    }
  }
  for (const id of remaining.keys()) {
    const cycle = findCycle(id, remaining);
    rejected.set(id, cycle ? `Dependency cycle: ${cycle.join(' → ')}` : `Plugin "${id}" depends on a plugin in a dependency cycle`);
  }

  // Rejection spreads to dependants, in load order.
  for (const id of order) {
    const bad = (edges.get(id) ?? []).find((d) => rejected.has(d));
    if (bad && !rejected.has(id)) rejected.set(id, `Plugin "${id}" skipped: its dependency "${bad}" cannot load`);
  }
  return { order: order.filter((id) => !rejected.has(id)), rejected };
}

function findCycle(start: string, graph: Map<string, Set<string>>): string[] | undefined {
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    path.push(id);
    for (const dep of graph.get(id) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    return undefined;
  };
  const cycle = visit(start);
  return cycle?.includes(start) ? cycle : undefined;
}
