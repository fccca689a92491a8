import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import pg from 'pg';
import type { BenchCase } from './types.ts';

export interface BareServer {
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** The baseline: Koa, @koa/router and a pg pool of the same size as mPanel's, nothing else. */
export async function startBareServer(databaseUrl: string, cases: BenchCase[], poolMax: number): Promise<BareServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  // An idle client dropped by the server (DROP DATABASE ... WITH (FORCE) at the end) must not crash the run.
  pool.on('error', () => undefined);
  const router = new Router();
  for (const c of cases) c.bareRoutes(router, pool);
  const app = new Koa();
  app.use(router.routes());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pool,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}
