import type { PluginManifest } from '@mpanel/sdk';

export class ResourceOwnershipError extends Error {}

/**
 * Resources core serves itself (the first segment of its routes and permissions). Core's
 * registered permissions are added at check time, so a new core module's names are covered too.
 */
const CORE_RESOURCES = [
  'account', 'api-keys', 'audit-logs', 'auth', 'core', 'events', 'health', 'jobs', 'mail', 'metrics', 'openapi.json',
  'permissions', 'platform', 'plugins', 'retention', 'roles', 'system', 'tenants', 'ui', 'users', 'webhooks', 'workflows',
];

export type NamedThing = 'permission' | 'event' | 'route';

/**
 * Names belong to their owner: a plugin owns the resources its manifest declares (and its id);
 * it may name permissions, events and routes only for those, or for the resources of a plugin it
 * depends on (that plugin's published contract). Two plugins claiming one resource: the second
 * fails, naming both. Event names are `<entity>.<pastTense>` (`invoice.paid`, `creditNote.issued`):
 * an entity names the resource of its plural (`invoices`, `credit-notes`).
 */
export class ResourceOwnership {
  private readonly owners = new Map<string, string>();

  constructor(private readonly coreNames: () => Iterable<string> = () => []) {}

  /** Claims the plugin's resources (all plugins claim, in load order, before any registers). */
  claim(manifest: PluginManifest): void {
    const resources = [manifest.id, ...(manifest.resources ?? [])];
    for (const resource of resources) {
      const owner = this.ownerOfName(resource);
      if (owner === 'core') throw new ResourceOwnershipError(`Plugin "${manifest.id}" claims resource "${resource}", which is reserved for core`);
      if (owner && owner !== manifest.id) {
        throw new ResourceOwnershipError(`Plugin "${manifest.id}" claims resource "${resource}", which already belongs to plugin "${owner}"`);
      }
    }
    for (const resource of resources) this.owners.set(resource, manifest.id);
  }

  /** Checks the permissions and emitted events the manifest declares. */
  checkManifest(manifest: PluginManifest): void {
    for (const p of manifest.permissions ?? []) this.check(manifest, 'permission', p.name);
    for (const e of manifest.events?.emits ?? []) this.check(manifest, 'event', e);
  }

  /** Throws unless `name` is within the plugin's resources or those of a plugin it depends on. */
  check(manifest: PluginManifest, kind: NamedThing, name: string): void {
    const segment = resourceSegment(kind, name);
    if (segment === undefined) return;
    const owner = this.ownerOfName(segment);
    if (owner === manifest.id) return;
    const what = `Plugin "${manifest.id}": ${kind} "${name}"`;
    if (owner === 'core') throw new ResourceOwnershipError(`${what} is in resource "${segment}", which is reserved for core`);
    if (owner === undefined) {
      throw new ResourceOwnershipError(`${what} is outside the resources it owns (${[manifest.id, ...(manifest.resources ?? [])].join(', ')}); declare "${segment}" in the manifest's resources`);
    }
    const dependsOn = { ...manifest.optionalDependencies, ...manifest.dependencies };
    if (!(owner in dependsOn)) throw new ResourceOwnershipError(`${what} is in resource "${segment}" of plugin "${owner}"; declare a dependency on "${owner}" to use its names`);
  }

  release(pluginId: string): void {
    for (const [resource, owner] of this.owners) if (owner === pluginId) this.owners.delete(resource);
  }

  /** The owner of a name's segment: a resource equal to it, singular or plural (`memo` ~ `memos`). */
  private ownerOfName(segment: string): string | undefined {
    const forms = new Set(formsOf(segment));
    const same = (resource: string) => formsOf(resource).some((f) => forms.has(f));
    if (CORE_RESOURCES.some(same) || [...this.coreNames()].some(same)) return 'core';
    for (const [resource, owner] of this.owners) if (same(resource)) return owner;
    return undefined;
  }
}

/** The resource part of a name: `invoices.read` → invoices, `creditNote.issued` → credit-note, `/api/v1/orders/:id` → orders. */
export function resourceSegment(kind: NamedThing, name: string): string | undefined {
  // `/api/agent/v1/...` (the hosting agent's protocol) is the resource `agent`.
  if (kind === 'route') return /^\/api\/(?:v1\/|webhooks\/|(?=agent\/v1\/))([^/]+)/.exec(name)?.[1];
  const first = name.split('.')[0]!;
  return kind === 'event' ? first.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) : first;
}

/** A word and its plurals (`policy` → policies, `tax` → taxes). */
function formsOf(word: string): string[] {
  return [word, `${word}s`, `${word}es`, word.replace(/y$/, 'ies')];
}
