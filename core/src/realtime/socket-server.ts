import type { Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import type { RedisHandle } from '../redis.ts';
import { AccessTokens } from '../identity/auth/access-tokens.ts';
import { tenantRoom, userRoom, type RealtimeHub } from './realtime-hub.ts';

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
 * (`auth: { token }`), verified with the same secret and claims as the API; it joins its tenant
 * and user rooms. With Redis, the adapter fans emits out to every instance.
 */
export class SocketServer implements RealtimeHub {
  private io: IoServer | undefined;

  constructor(private readonly config: Config, private readonly logger: Logger, private readonly redis: RedisHandle | undefined) {}

  attach(server: HttpServer): void {
    const io = new IoServer(server, {
      path: '/socket.io',
      serveClient: false,
      allowRequest: (req, cb) => cb(null, originAllowed(req.headers.origin, req.headers.host, this.config)),
    });
    if (this.redis) io.adapter(createAdapter(this.redis.duplicate(), this.redis.duplicate()));
    const tokens = new AccessTokens(this.config.jwtSecret);
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      try {
        if (typeof token !== 'string') throw new Error('missing token');
        const claims = tokens.verify(token);
        socket.data.userId = claims.sub;
        socket.data.tenantId = claims.tid;
        next();
      } catch {
        next(new Error('unauthorized'));
      }
    });
    io.on('connection', (socket) => {
      void socket.join([tenantRoom(socket.data.tenantId as string), userRoom(socket.data.userId as string)]);
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
