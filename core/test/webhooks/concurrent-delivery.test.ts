import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { WebhookService } from '../../src/webhooks/webhook-service.ts';
import { secretBoxes } from '../../src/crypto/secret-box.ts';
import { waitFor } from '../plugins/wait.ts';

const TIMEOUT_MS = 1000;
const A_BACKLOG = 20;

let plugin!: PluginContext;
const probe = definePlugin({
  manifest: { id: 'hook-probe', name: 'Hook probe', version: '1.0.0', engines: { mpanel: '*' }, resources: ['hookprobe'], events: { emits: ['hookprobe.made'] } },
  register(ctx) {
    plugin = ctx;
  },
});

/** A local receiver; `answer` decides what to do with each request (never answering is allowed). */
class Receiver {
  readonly server: Server;
  readonly posts: Array<{ delivery: string; at: number }> = [];
  open = 0;
  maxOpen = 0;
  /** Requests that arrived while another one for the same delivery was still open. */
  overlaps = 0;
  private readonly openDeliveries = new Set<string>();
  url = '';

  constructor(answer: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer((req, res) => {
      const delivery = String(req.headers['mpanel-delivery']);
      this.posts.push({ delivery, at: Date.now() });
      this.maxOpen = Math.max(this.maxOpen, ++this.open);
      if (this.openDeliveries.has(delivery)) this.overlaps++;
      this.openDeliveries.add(delivery);
      res.on('close', () => {
        this.open--;
        this.openDeliveries.delete(delivery);
      });
      req.resume();
      req.on('end', () => answer(req, res));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

describe('outgoing webhooks are delivered concurrently, fairly, with a per-endpoint limit', function () {
  this.timeout(60_000);
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  // A's receiver is dead: it accepts the connection and never answers.
  const dead = new Receiver(() => undefined);
  const quick = new Receiver((_req, res) => res.end('ok'));
  const slow = new Receiver((_req, res) => void setTimeout(() => res.end('ok'), 100));

  const hook = async (who: TenantWithAdmin, url: string): Promise<string> => {
    const res = await server.request('POST', '/api/v1/webhooks', { token: who.token, body: { url, events: ['hookprobe.made'] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data.id as string;
  };
  const emit = (who: TenantWithAdmin, n: number) =>
    plugin.db.transaction(who.tenant.id, () => plugin.events.emitMany(Array.from({ length: n }, (_, i) => ({ name: 'hookprobe.made', payload: { i } }))));
  const deliveries = (webhookId: string) => server.knex('webhook_deliveries').where({ webhook_id: webhookId }).orderBy('created_at') as Promise<Array<{ id: string; status: string; attempts: number; last_error: string | null; next_attempt_at: Date; updated_at: Date; leased_until: Date | null }>>;

  before(async () => {
    await Promise.all([dead.listen(), quick.listen(), slow.listen()]);
    server = await startTestServer({
      env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' },
      plugins: { definitions: [probe], webhookRetryBaseMs: 2000, webhookDelivery: { timeoutMs: TIMEOUT_MS, concurrency: 16, perEndpoint: 2 } },
    });
    a = await createTenantWithAdmin(server, { slug: 'hooks-a' });
    b = await createTenantWithAdmin(server, { slug: 'hooks-b' });
  });
  after(async () => {
    await server?.close();
    for (const r of [dead, quick, slow]) r.close();
  });

  it('a dead receiver of tenant A does not delay tenant B; A\'s deliveries are retried later with backoff', async () => {
    const aHook = await hook(a, dead.url);
    const bHook = await hook(b, quick.url);
    await emit(a, A_BACKLOG);
    await waitFor(async () => dead.posts.length > 0);
    const started = Date.now();
    await emit(b, 1);
    const [bDelivery] = await waitFor(async () => {
      const rows = await deliveries(bHook);
      return rows[0]?.status === 'succeeded' ? rows : undefined;
    });
    const bLatency = Date.now() - started;
    // Serially B would wait for A's backlog: TIMEOUT_MS × A_BACKLOG = 8 s.
    assert.ok(bLatency < (TIMEOUT_MS * A_BACKLOG) / 5, `B delivered after ${bLatency} ms`);
    assert.equal(bDelivery!.attempts, 1);

    // A's first attempts time out one endpoint-slot pair at a time and wait for their retry.
    const failed = await waitFor(async () => {
      const rows = (await deliveries(aHook)).filter((r) => r.attempts === 1);
      return rows.length >= 4 ? rows : undefined;
    });
    for (const r of failed) {
      assert.equal(r.status, 'pending');
      assert.match(r.last_error ?? '', new RegExp(`timed out after ${TIMEOUT_MS} ms`));
      assert.equal(r.leased_until, null, 'the lease is given back');
      const backoff = new Date(r.next_attempt_at).getTime() - new Date(r.updated_at).getTime();
      assert.ok(backoff >= 1900 && backoff <= 2100, `retried after ${backoff} ms`);
    }
    assert.ok(dead.maxOpen <= 2, `${dead.maxOpen} requests at once to one endpoint`);
  });

  it('two workers on one database never POST the same delivery twice', async () => {
    const { knex, logger, config } = server.running.platform.container.cradle;
    const other = new WebhookService(knex, logger, secretBoxes(config).webhookSecrets, { allowPrivateTargets: true, timeoutMs: TIMEOUT_MS, retryBaseMs: 2000 });
    other.loop.start();
    try {
      const slowHook = await hook(b, slow.url);
      await emit(b, 30);
      await waitFor(async () => {
        const rows = await deliveries(slowHook);
        return rows.length === 30 && rows.every((r) => r.status === 'succeeded');
      }, 20_000);
      assert.equal(new Set(slow.posts.map((p) => p.delivery)).size, 30);
      // A POST that timed out on a loaded machine is legitimately sent again later, never while it is still open.
      assert.equal(slow.overlaps, 0, 'a delivery was POSTed by two workers at once');
    } finally {
      await other.loop.stop();
    }
  });

  it('a delivery leased by a worker that died mid-POST is sent once its lease ends; redeliver does not jump the lease', async () => {
    const { webhooks } = server.running.platform.container.cradle;
    await webhooks.loop.stop();
    const hookId = await hook(b, quick.url);
    await emit(b, 1);
    const [row] = await waitFor(async () => {
      const rows = await deliveries(hookId);
      return rows.length ? rows : undefined;
    });
    // As a worker killed mid-POST leaves it: leased for another 600 ms.
    const leaseEnd = new Date(Date.now() + 600);
    await server.knex('webhook_deliveries').where({ id: row!.id }).update({ leased_until: leaseEnd, next_attempt_at: leaseEnd, lease_id: '00000000-0000-4000-8000-000000000001' });
    const redeliver = await server.request('POST', `/api/v1/webhooks/${hookId}/deliveries/${row!.id}/redeliver`, { token: b.token });
    assert.equal(redeliver.status, 200);
    webhooks.loop.start();
    await sleep(300);
    assert.equal(quick.posts.filter((p) => p.delivery === row!.id).length, 0, 'not POSTed while another worker holds the lease');
    const [done] = await waitFor(async () => {
      const rows = await deliveries(hookId);
      return rows[0]?.status === 'succeeded' ? rows : undefined;
    });
    assert.ok(Date.now() >= leaseEnd.getTime());
    assert.equal(done!.attempts, 1);
    assert.equal(quick.posts.filter((p) => p.delivery === row!.id).length, 1);
  });
});
