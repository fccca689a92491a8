export interface RealtimeTarget {
  /** Sends an event to every socket in the target (across instances with Redis). Name it `<plugin>:<event>`. */
  emit(event: string, data?: unknown): void;
}

/**
 * Server → browser pushes over socket.io. Sockets join their tenant's and user's rooms and one room
 * per permission when they connect. The admin UI and portal show a `notification` event
 * (`{ severity?, summary, detail? }`) as a toast; other events reach `host.onRealtime` listeners.
 */
export interface PluginRealtime {
  toTenant(tenantId: string): RealtimeTarget;
  toUser(userId: string): RealtimeTarget;
  /** The tenant's users holding `permission` (as of when their socket connected): staff-only pushes. */
  toPermission(tenantId: string, permission: string): RealtimeTarget;
  /** A custom room; put users in it with `join`. */
  toRoom(room: string): RealtimeTarget;
  join(userId: string, room: string): void;
  leave(userId: string, room: string): void;
}
