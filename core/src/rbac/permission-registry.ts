import { PERMISSION_PATTERN, type PermissionDefinition } from '@mpanel/sdk';

export interface RegisteredPermission extends PermissionDefinition {
  /** `core` or the plugin id. */
  owner: string;
}

export class PermissionConflictError extends Error {}

/** Every permission core and plugins declare; roles are granted from this list. */
export class PermissionRegistry {
  private readonly permissions = new Map<string, RegisteredPermission>();
  /** Grows on every change, so caches of derived permission sets know when they are stale. */
  revision = 0;

  register(owner: string, definition: PermissionDefinition): void {
    if (!PERMISSION_PATTERN.test(definition.name)) {
      throw new PermissionConflictError(`Permission "${definition.name}" of "${owner}" is not a resource.action name`);
    }
    const existing = this.permissions.get(definition.name);
    if (existing && existing.owner !== owner) {
      throw new PermissionConflictError(`Permission "${definition.name}" of "${owner}" is already registered by "${existing.owner}"`);
    }
    this.permissions.set(definition.name, { ...definition, owner });
    this.revision++;
  }

  removeOwner(owner: string): void {
    for (const [name, p] of this.permissions) if (p.owner === owner) this.permissions.delete(name);
    this.revision++;
  }

  /** The permissions a system role gets: every one for the top level, else those naming the role. */
  defaultsFor(role: string, level: number): string[] {
    if (level === 0) return [...this.permissions.keys()];
    return [...this.permissions.values()].filter((p) => p.defaultRoles?.includes(role)).map((p) => p.name);
  }

  has(name: string): boolean {
    return this.permissions.has(name);
  }

  list(): RegisteredPermission[] {
    return [...this.permissions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
