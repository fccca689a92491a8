import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { CLI, RUNNING_AT, ServerProcess, cliEnv } from '../../../core/test/support/cli-process.ts';
import { ownDatabase, type OwnDatabase } from '../../../core/test/support/own-database.ts';

export const ADMIN = { email: 'admin@hosting.test', password: 'correct-horse-battery-staple' };

export interface ApiAnswer<T = any> { status: number; body: T } // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A real mPanel as an operator runs it: one `web` and one `worker` process (`mpanel start --role`)
 * on a database of their own and a Redis database of their own. The worker is a child of its own
 * so a test can SIGKILL it mid-workflow and start another one.
 */
export class Panel {
  url = '';
  token = '';
  knex!: Knex;
  private db!: OwnDatabase;
  private env: NodeJS.ProcessEnv = {};
  private readonly processes = new Map<string, ServerProcess>();

  constructor(private readonly opts: { webPort: number; extraEnv?: Record<string, string> }) {}

  async start(): Promise<this> {
    assert.ok(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL, 'the hosting suite runs on PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL)');
    this.db = await ownDatabase();
    // A superuser connection for assertions across tenants (requests themselves run under RLS).
    this.knex = knexFactory({ client: 'pg', connection: this.db.env.DATABASE_URL, pool: { min: 0, max: 3 } });
    const redis = new URL(process.env.TEST_REDIS_URL!);
    redis.pathname = `/${1 + (randomBytes(1)[0]! % 15)}`; // the CLI uses the default queue prefix: a Redis database of its own
    this.env = cliEnv({
      ...this.db.env, REDIS_URL: redis.toString(), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'), MPANEL_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      MPANEL_ADMIN_EMAIL: ADMIN.email, MPANEL_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_IP: '0', RATE_LIMIT_PRINCIPAL: '0', RATE_LIMIT_STRICT: '0',
      // A killed worker's jobs and workflow runs are taken over within a second or two.
      JOB_LEASE_MS: '1500', WORKFLOW_LEASE_MS: '1500', WORKFLOW_SWEEP_MS: '500',
      ...this.opts.extraEnv,
    });
    await this.startProcess('worker', 'worker'); // migrates alone first
    const url = await this.startProcess('web', 'web', this.opts.webPort);
    this.url = url;
    this.token = await this.login(ADMIN.email, ADMIN.password);
    return this;
  }

  async startProcess(name: string, role: 'web' | 'worker', port = 0): Promise<string> {
    const p = new ServerProcess(process.execPath, [CLI, 'start', '--role', role], { ...this.env, PORT: String(port) });
    this.processes.set(name, p);
    const [, url] = await p.waitFor(RUNNING_AT);
    return url!.replace('localhost', '127.0.0.1');
  }

  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.processes.get(name)?.stop(signal);
    this.processes.delete(name);
  }

  output(name: string): string {
    const p = this.processes.get(name);
    return p ? `${p.stdout.slice(-3000)}\n${p.stderr.slice(-3000)}` : '';
  }

  async login(email: string, password: string, tenant?: string): Promise<string> {
    const res = await this.request('POST', '/api/v1/auth/login', { email, password, ...(tenant ? { tenant } : {}) }, '');
    assert.equal(res.status, 200, `login ${email}: ${JSON.stringify(res.body)}`);
    return (res.body as { data: { accessToken: string } }).data.accessToken;
  }

  async request<T = any>(method: string, path: string, body?: unknown, token = this.token): Promise<ApiAnswer<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
    return { status: res.status, body: parsed as T };
  }

  /** A request that must succeed (2xx); answers `data`. */
  async ok<T = any>(method: string, path: string, body?: unknown, token = this.token): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await this.request<{ data: T }>(method, path, body, token);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 1500)}`);
    return res.body.data;
  }

  async stop(): Promise<void> {
    for (const p of this.processes.values()) await p.stop('SIGKILL');
    this.processes.clear();
    await this.knex?.destroy();
    await this.db?.remove();
  }
}

/** Polls `probe` until it answers something truthy; fails with `what` (and the last answer) after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000, every = 250): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
