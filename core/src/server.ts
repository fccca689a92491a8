import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.ts';
import { createPlatform, type Platform, type PlatformOptions } from './platform.ts';
import { explainStartupFailure } from './startup-failure.ts';
import { probesOnly, servesHttp } from './ops/roles.ts';

export interface RunningServer {
  platform: Platform;
  server: Server;
  url: string;
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), then close database and Redis. */
  close(graceMs?: number): Promise<void>;
}

/** How long a connection being closed on shutdown has for its request to arrive before it counts as idle. */
const IDLE_SWEEP_MS = 250;

/** Starts mPanel on `config.port` (0 for an ephemeral port). */
export async function startServer(config: Config, options: PlatformOptions = {}): Promise<RunningServer> {
  // The port first: a busy one fails in milliseconds, not after migrations and plugin boot. It is
  // only taken for good once the platform is up: until then connections are refused, which a load
  // balancer in front takes as "try another instance" even for a POST (nothing was sent), where a
  // 503 from a booting instance would reach the client.
  await listen(createServer(), config).then((probe) => new Promise((resolve) => probe.close(resolve)));
  let platform: Platform;
  try {
    platform = await createPlatform(config, options);
  } catch (err) {
    throw explainStartupFailure(err, config) ?? err;
  }
  const server = createServer(servesHttp(config.role) ? platform.app.callback() : probesOnly(platform.app.callback()));
  if (servesHttp(config.role)) for (const attach of platform.attachToServer) attach(server);
  try {
    await listen(server, config);
  } catch (err) {
    await platform.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;
  if (servesHttp(config.role)) platform.container.cradle.routes.servedAt = url;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) =>
    (closing ??= (async () => {
      // Stop accepting, but without what http's close() does first: drop every connection whose
      // request has not been read yet, which fails a POST a proxy has just sent on it (it never
      // resends one). Idle connections are closed a moment later, and again as requests finish.
      const closeIdle = server.closeIdleConnections.bind(server);
      server.closeIdleConnections = () => undefined;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections = closeIdle;
      const sweep = setInterval(closeIdle, IDLE_SWEEP_MS);
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await drained;
      clearInterval(sweep);
      clearTimeout(timer);
      await platform.close();
    })());

  return { platform, server, url, close };
}

function listen(server: Server, config: Config): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    server.once('error', (err) => reject(explainStartupFailure(err, config) ?? err));
    server.listen(config.port, config.host, () => resolve(server));
  });
}
