import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config.ts';
import { startServer, type RunningServer } from '../server.ts';
import type { CoreModule } from '../module.ts';
import type { PlatformOptions } from '../platform.ts';
import { createTestDatabase } from './database.ts';
import { predictableMigrationSets } from './migrated-template.ts';

export interface ApiResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** A bearer token (JWT or API key). */
  token?: string;
  headers?: Record<string, string>;
  /** Send this exact text as the body (malformed JSON, signed webhook payloads). */
  raw?: string | Buffer;
}

export interface TestServer {
  url: string;
  running: RunningServer;
  knex: RunningServer['platform']['container']['cradle']['knex'];
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Environment for loadConfig, on top of NODE_ENV=test and PORT=0. */
  env?: Record<string, string>;
  modules?: CoreModule[];
  /** Plugin sources and tuning (see PlatformOptions.plugins). */
  plugins?: PlatformOptions['plugins'];
}

/** Boots the whole platform on an ephemeral port against a fresh database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // Extra core modules may bring migrations of their own: such a server migrates from scratch.
  const migrated = options.modules?.length || process.env.MPANEL_TEST_FRESH_DB ? undefined : await predictableMigrationSets(options.plugins);
  const database = await createTestDatabase(undefined, migrated);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: '/tmp/mpanel-test-data',
    MPANEL_ADMIN_EMAIL: 'admin@example.test',
    MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
    // Tests fire bursts from one address; the one that proves 429 sets its own small limits.
    RATE_LIMIT_IP: '0',
    RATE_LIMIT_PRINCIPAL: '0',
    RATE_LIMIT_STRICT: '0',
    ...(process.env.TEST_REDIS_URL ? { REDIS_URL: process.env.TEST_REDIS_URL } : {}),
    ...options.env,
  });
  let running: RunningServer;
  try {
    // A queue of its own on a shared Redis: another server's workers (another test file, another
    // test run) would otherwise take its jobs and run them against their own database.
    const plugins = { queuePrefix: `t${randomBytes(4).toString('hex')}`, ...options.plugins };
    running = await startServer(config, { database: database.db, modules: options.modules, plugins });
  } catch (err) {
    await database.destroy();
    throw err;
  }
  const request = async (method: string, path: string, opts: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(running.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    // JSON and `+json` types; not JSON lines (application/x-ndjson), which is many documents.
    if (/^application\/([\w.-]+\+)?json\b/.test(res.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
  return {
    url: running.url,
    running,
    knex: running.platform.container.cradle.knex,
    request,
    async close() {
      await running.close(2000);
      await database.destroy();
    },
  };
}
