import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** Starts mPanel on `config.port` (0 for an ephemeral port). */
export async function startServer(config: Config, options: PlatformOptions = {}): Promise<RunningServer> {
  // The port first: a busy one fails in milliseconds, not after migrations and plugin boot.
  // Until the platform is up, requests get 503.
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' }).end(JSON.stringify({ error: 'Starting, try again shortly' }));
  };
  const server = createServer(starting);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(explainStartupFailure(err, config) ?? err));
    server.listen(config.port, config.host, () => resolve());
  });
  let platform: Platform;
  try {
    platform = await createPlatform(config, options);
  } catch (err) {
    await new Promise((resolve) => server.close(resolve));
    throw explainStartupFailure(err, config) ?? err;
  }
  server.off('request', starting);
  if (servesHttp(config.role)) {
    server.on('request', platform.app.callback());
    for (const attach of platform.attachToServer) attach(server);
  } else {
    server.on('request', probesOnly(platform.app.callback()));
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await drained;
      clearTimeout(timer);
      await platform.close();
    })());

  return { platform, server, url, close };
}
