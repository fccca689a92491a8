import { PERMISSION_PATTERN, type PermissionDefinition } from '@mpanel/sdk';

export interface RegisteredPermission extends PermissionDefinition {
  /** `core` or the plugin id. */
  owner: string;
}

export class PermissionConflictError extends Error {}

/** Every permission core and plugins declare; roles are granted from this list. */
export class PermissionRegistry {
  private readonly permissions = new Map<string, RegisteredPermission>();

  register(owner: string, definition: PermissionDefinition): void {
    if (!PERMISSION_PATTERN.test(definition.name)) {
      throw new PermissionConflictError(`Permission "${definition.name}" of "${owner}" is not a resource.action name`);
    }
    const existing = this.permissions.get(definition.name);
    if (existing && existing.owner !== owner) {
      throw new PermissionConflictError(`Permission "${definition.name}" of "${owner}" is already registered by "${existing.owner}"`);
    }
    this.permissions.set(definition.name, { ...definition, owner });
  }

  removeOwner(owner: string): void {
    for (const [name, p] of this.permissions) if (p.owner === owner) this.permissions.delete(name);
  }

  has(name: string): boolean {
    return this.permissions.has(name);
  }

  list(): RegisteredPermission[] {
    return [...this.permissions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
