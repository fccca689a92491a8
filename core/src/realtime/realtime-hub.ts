/**
 * What the platform and plugins use to push to browsers. Before a socket.io server is attached
 * (CLI, tests without HTTP) emits go nowhere.
 */
export interface RealtimeHub {
  emit(room: string, event: string, data?: unknown): void;
  join(userId: string, room: string): void;
  leave(userId: string, room: string): void;
  /**
   * The sockets of `userId`, and those it opened as somebody else ("log in as"), follow their
   * sessions again at once, on every instance: an ended session or a disabled user is disconnected,
   * changed roles re-join their permission rooms. Call it after the change has committed.
   */
  resyncUser(userId: string): Promise<void>;
  /** The same for every socket of a tenant (a role's permissions changed). */
  resyncTenant(tenantId: string): Promise<void>;
}

export const tenantRoom = (tenantId: string): string => `tenant:${tenantId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
/** The sockets of "log in as" sessions a staff user opened. */
export const impersonatorRoom = (staffUserId: string): string => `imp:${staffUserId}`;
/** Every socket of the tenant's users who held the permission when they connected. */
export const permissionRoom = (tenantId: string, permission: string): string => `perm:${tenantId}:${permission}`;
/** The rooms a session puts a socket in (not custom rooms, which plugins manage). */
export const isSessionRoom = (room: string): boolean => /^(tenant|user|perm|imp):/.test(room);
/** Custom rooms are namespaced so they cannot collide with tenant and user rooms. */
export const customRoom = (name: string): string => `room:${name}`;
