import type { Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import type { RedisHandle } from '../redis.ts';
import { permissionRoom, tenantRoom, userRoom, type RealtimeHub } from './realtime-hub.ts';

/** Who a handshake's access token belongs to; throws for a token the API would refuse. */
export type SocketAuthenticator = (token: string) => Promise<{ userId: string; tenantId: string; permissions: Iterable<string> }>;

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
      authenticate(token).then(
        (who) => {
          socket.data.rooms = [tenantRoom(who.tenantId), userRoom(who.userId), ...[...who.permissions].map((p) => permissionRoom(who.tenantId, p))];
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
    if (io) await new Promise<void>((resolve) => io.close(() => resolve()));
  }
}
