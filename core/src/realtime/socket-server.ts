import type { Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import type { RedisHandle } from '../redis.ts';
import { impersonatorRoom, isSessionRoom, permissionRoom, tenantRoom, userRoom, type RealtimeHub } from './realtime-hub.ts';

/** The session a socket was opened with. */
export interface SocketIdentity {
  userId: string;
  tenantId: string;
  sessionId: string;
}

/** How sockets are checked: on the handshake and again whenever the session may have changed. */
export interface SocketAuthenticator {
  /** The session of an access token; throws for a token the API would refuse. */
  identify(token: string): SocketIdentity;
  /** What the session may do now; throws once it ended (logout, user disabled, "log in as" over). */
  load(who: SocketIdentity): Promise<{ tenantId: string; permissions: Iterable<string>; impersonatedBy: string | null }>;
}

const RESYNC_BATCH = 20;

/** Origins a browser may connect from: CORS_ORIGINS, PUBLIC_URL, and the server's own host. */
export function originAllowed(origin: string | undefined, host: string | undefined, config: Pick<Config, 'corsOrigins' | 'publicUrl'>): boolean {
  if (!origin) return true; // not a browser: the JWT decides
  if (config.corsOrigins.includes('*') || config.corsOrigins.includes(origin)) return true;
  if (config.publicUrl && new URL(config.publicUrl).origin === origin) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * socket.io on the platform's HTTP server. A socket must present an access token
 * (`auth: { token }`) that the API would accept (signature, claims, live session, active user and
 * tenant); it joins its tenant and user rooms and a room per permission it holds, so a push meant
 * for staff (`payments.record`) never reaches a client's portal. With Redis, the adapter fans
 * emits out to every instance.
 */
export class SocketServer implements RealtimeHub {
  private io: IoServer | undefined;

  private authenticate: SocketAuthenticator | undefined;

  constructor(private readonly config: Config, private readonly logger: Logger, private readonly redis: RedisHandle | undefined) {}

  attach(server: HttpServer, authenticate: SocketAuthenticator): void {
    const io = new IoServer(server, {
      path: '/socket.io',
      serveClient: false,
      allowRequest: (req, cb) => cb(null, originAllowed(req.headers.origin, req.headers.host, this.config)),
    });
    if (this.redis) io.adapter(createAdapter(this.redis.duplicate(), this.redis.duplicate()));
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof token !== 'string') return next(new Error('unauthorized'));
      this.roomsOf(authenticate, token).then(
        ({ who, rooms }) => {
          socket.data.who = who;
          socket.data.rooms = rooms;
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    io.on('connection', (socket) => {
      void socket.join(socket.data.rooms as string[]);
    });
    // Upgraded sockets keep the HTTP server's graceful close waiting forever: end this instance's
    // sockets when it starts closing (clients reconnect to another instance).
    const close = server.close.bind(server);
    server.close = ((cb?: (err?: Error) => void) => {
      io.local.disconnectSockets(true);
      return close(cb);
    }) as typeof server.close;
    this.io = io;
    this.authenticate = authenticate;
  }

  /**
   * For an instance without an HTTP server of its own (a worker): a socket.io server with no
   * sockets, whose emits reach the other instances' sockets through the Redis adapter.
   */
  emitOnly(): void {
    if (this.io) return;
    this.io = new IoServer({ serveClient: false });
    if (this.redis) this.io.adapter(createAdapter(this.redis.duplicate(), this.redis.duplicate()));
  }

  resyncUser(userId: string): Promise<void> {
    return this.resync([userRoom(userId), impersonatorRoom(userId)]);
  }

  resyncTenant(tenantId: string): Promise<void> {
    return this.resync([tenantRoom(tenantId)]);
  }

  /** The rooms of a session: its tenant, its user, its permissions and, for "log in as", its staff user. */
  private async roomsOf(authenticate: SocketAuthenticator, from: string | SocketIdentity): Promise<{ who: SocketIdentity; rooms: string[] }> {
    const who = typeof from === 'string' ? authenticate.identify(from) : from;
    const now = await authenticate.load(who);
    const rooms = [tenantRoom(now.tenantId), userRoom(who.userId), ...[...now.permissions].map((p) => permissionRoom(now.tenantId, p))];
    if (now.impersonatedBy) rooms.push(impersonatorRoom(now.impersonatedBy));
    return { who, rooms };
  }

  /**
   * Checks each socket in `rooms` against its session again (fetchSockets and the remote socket's
   * join/leave/disconnect go through the Redis adapter to every instance).
   */
  private async resync(rooms: string[]): Promise<void> {
    const { io, authenticate } = this;
    if (!io || !authenticate) return;
    const sockets = await io.in(rooms).fetchSockets();
    // A tenant may have many sockets: a few session checks at a time, not one burst on the pool.
    for (let i = 0; i < sockets.length; i += RESYNC_BATCH) await Promise.all(sockets.slice(i, i + RESYNC_BATCH).map(async (socket) => {
      const who = socket.data.who as SocketIdentity | undefined;
      let now: { rooms: string[] } | undefined;
      try {
        now = who ? await this.roomsOf(authenticate, who) : undefined;
      } catch (err) {
        // Only a refused session ends the socket; a failing database leaves it as it was.
        if ((err as { status?: number }).status !== 401) {
          this.logger.warn({ err, userId: who?.userId }, 'realtime resync failed');
          return;
        }
      }
      if (!now) {
        socket.disconnect(true);
        return;
      }
      // Rooms a plugin joined the user to (custom rooms) are the plugin's to keep.
      for (const room of socket.rooms) if (isSessionRoom(room) && !now.rooms.includes(room)) socket.leave(room);
      socket.join(now.rooms);
    }));
  }

  emit(room: string, event: string, data?: unknown): void {
    this.io?.to(room).emit(event, data);
  }

  join(userId: string, room: string): void {
    this.io?.in(userRoom(userId)).socketsJoin(room);
  }

  leave(userId: string, room: string): void {
    this.io?.in(userRoom(userId)).socketsLeave(room);
  }

  async close(): Promise<void> {
    const io = this.io;
    this.io = undefined;
    // An emit-only server (emitOnly) has no engine to close; its Redis connections close with Redis.
    if (io?.engine) await new Promise<void>((resolve) => io.close(() => resolve()));
  }
}
