/**
 * The signed-in user's permissions, set by the host after `GET /api/v1/auth/me`. The module is a
 * shared host chunk, so a plugin calling `can()` reads the same set as the host.
 */
let granted: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();

export function setPermissions(permissions: Iterable<string>): void {
  granted = new Set(permissions);
  for (const listener of listeners) listener();
}

/** True when the user holds the permission; an entry without a permission is always shown. */
export function can(permission: string | undefined | null): boolean {
  return !permission || granted.has(permission);
}

/** Called when the permissions change (login, logout, role change); returns an unsubscribe. */
export function onPermissionsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
