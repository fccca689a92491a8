export interface RealtimeTarget {
  /** Sends an event to every socket in the target (across instances with Redis). Name it `<plugin>:<event>`. */
  emit(event: string, data?: unknown): void;
}

/** Server → browser pushes over socket.io. Sockets join `tenant:<id>` and `user:<id>` when they connect. */
export interface PluginRealtime {
  toTenant(tenantId: string): RealtimeTarget;
  toUser(userId: string): RealtimeTarget;
  /** A custom room; put users in it with `join`. */
  toRoom(room: string): RealtimeTarget;
  join(userId: string, room: string): void;
  leave(userId: string, room: string): void;
}
