import type { ExtensionPoint, ProvidedExtension } from '@mpanel/sdk';

export class ServiceError extends Error {}

/**
 * Services plugins provide to each other, and extension-point implementations. A plugin sees only
 * the services it declared (enforced in the plugin context); conflicts are refused here.
 */
export class ServiceRegistry {
  private readonly services = new Map<string, { owner: string; impl: unknown }>();
  private readonly extensions = new Map<string, Map<string, ProvidedExtension<unknown>>>();

  provide(owner: string, id: string, impl: unknown): void {
    const existing = this.services.get(id);
    if (existing && existing.owner !== owner) throw new ServiceError(`Service "${id}" of "${owner}" is already provided by "${existing.owner}"`);
    this.services.set(id, { owner, impl });
  }

  get(id: string): { owner: string; impl: unknown } | undefined {
    return this.services.get(id);
  }

  provideExtension(owner: string, point: ExtensionPoint<unknown>, key: string, impl: unknown): void {
    const byKey = this.extensions.get(point.id) ?? new Map<string, ProvidedExtension<unknown>>();
    const existing = byKey.get(key);
    if (existing && existing.owner !== owner) throw new ServiceError(`Extension ${point.id} "${key}" of "${owner}" is already provided by "${existing.owner}"`);
    byKey.set(key, { key, owner, impl });
    this.extensions.set(point.id, byKey);
  }

  listExtensions<T>(point: ExtensionPoint<T>): ProvidedExtension<T>[] {
    return [...(this.extensions.get(point.id)?.values() ?? [])] as ProvidedExtension<T>[];
  }

  removeOwner(owner: string): void {
    for (const [id, s] of this.services) if (s.owner === owner) this.services.delete(id);
    for (const byKey of this.extensions.values()) for (const [key, e] of byKey) if (e.owner === owner) byKey.delete(key);
  }
}
