import type { TestHost, TestHostOptions } from '@mpanel/sdk/testing';
import { startTestServer } from './test-server.ts';

const ADMIN = { email: 'admin@example.test', password: 'correct-horse-battery-staple' };

/** Boots the whole platform with just these plugins, against a fresh database (see `@mpanel/sdk/testing`). */
export async function createTestHost(options: TestHostOptions): Promise<TestHost> {
  const server = await startTestServer({ env: options.env, plugins: { definitions: options.plugins } });
  const { pluginStatus, eventDispatcher } = server.running.platform.container.cradle;
  let token: string | undefined;
  const login = async () => {
    if (token) return token;
    const res = await server.request('POST', '/api/v1/auth/login', { body: ADMIN });
    if (res.status !== 200) throw new Error(`Test host login failed: ${res.status} ${JSON.stringify(res.body)}`);
    token = (res.body as { data: { accessToken: string } }).data.accessToken;
    return token;
  };
  return {
    url: server.url,
    knex: server.knex,
    login,
    async request(method, path, opts = {}) {
      const bearer = opts.token === null ? undefined : (opts.token ?? (await login()));
      return server.request(method, path, { body: opts.body, headers: opts.headers, raw: opts.raw, ...(bearer ? { token: bearer } : {}) });
    },
    async events(name) {
      const q = server.knex('outbox_events').orderBy('created_at');
      const rows = (await (name ? q.where({ name }) : q)) as Array<{ id: string; name: string; source: string; tenant_id: string | null; payload: unknown }>;
      return rows.map((r) => ({ id: r.id, name: r.name, source: r.source, tenantId: r.tenant_id, payload: r.payload }));
    },
    async settle() {
      for (let i = 0; i < 200; i++) {
        eventDispatcher.loop.wake();
        await eventDispatcher.loop.idle();
        const [pending] = (await server.knex('outbox_events').whereNull('dispatched_at').count({ n: '*' })) as [{ n: number }];
        const [due] = (await server.knex('event_deliveries').where({ status: 'pending' }).where('next_attempt_at', '<=', new Date()).count({ n: '*' })) as [{ n: number }];
        if (Number(pending.n) === 0 && Number(due.n) === 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    plugins: () => pluginStatus.list(),
    close: () => server.close(),
  };
}
