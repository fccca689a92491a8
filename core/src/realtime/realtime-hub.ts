/**
 * What the platform and plugins use to push to browsers. Before a socket.io server is attached
 * (CLI, tests without HTTP) emits go nowhere.
 */
export interface RealtimeHub {
  emit(room: string, event: string, data?: unknown): void;
  join(userId: string, room: string): void;
  leave(userId: string, room: string): void;
}

export const tenantRoom = (tenantId: string): string => `tenant:${tenantId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
/** Every socket of the tenant's users who held the permission when they connected. */
export const permissionRoom = (tenantId: string, permission: string): string => `perm:${tenantId}:${permission}`;
/** Custom rooms are namespaced so they cannot collide with tenant and user rooms. */
export const customRoom = (name: string): string => `room:${name}`;
