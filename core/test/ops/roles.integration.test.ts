import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import type { Socket } from 'socket.io-client';
import { CLI, RUNNING_AT, ServerProcess, cliEnv, loopback } from '../support/cli-process.ts';
import { ownDatabase, type OwnDatabase } from '../support/own-database.ts';
import { testSockets } from '../plugins/sockets.ts';

const ADMIN = { email: 'admin@roles.test', password: 'correct-horse-battery-staple' };

/**
 * One web and one worker process (`mpanel start --role ...`) on one PostgreSQL database and Redis:
 * the web instance takes an API call and writes its event; only the worker delivers it, and the
 * worker's realtime push reaches a socket connected to the web instance.
 */
describe('process roles: a web and a worker process', function () {
  this.timeout(180_000);
  let db: OwnDatabase;
  let knex: Knex;
  let env: NodeJS.ProcessEnv;
  const processes: ServerProcess[] = [];
  const sockets = testSockets();

  const start = async (role: string) => {
    const p = new ServerProcess(process.execPath, [CLI, 'start', '--role', role], env);
    processes.push(p);
    return loopback((await p.waitFor(RUNNING_AT))[1]!);
  };
  const api = async (base: string, method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  before(async function () {
    if (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL) this.skip();
    db = await ownDatabase();
    knex = knexFactory({ client: 'pg', connection: db.env.DATABASE_URL });
    // A Redis database of its own: the CLI's queue prefix is the default one, and other runs share this Redis.
    const redis = new URL(process.env.TEST_REDIS_URL!);
    redis.pathname = `/${1 + (randomBytes(1)[0]! % 15)}`;
    env = cliEnv({
      ...db.env, REDIS_URL: redis.toString(), PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'), MPANEL_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      MPANEL_ADMIN_EMAIL: ADMIN.email, MPANEL_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_IP: '0', RATE_LIMIT_PRINCIPAL: '0', RATE_LIMIT_STRICT: '0',
    });
  });

  after(async () => {
    sockets.closeAll();
    for (const p of processes) await p.stop();
    await knex?.destroy();
    await db?.remove();
  });

  it('web writes the event and queues the job and runs neither; the worker does, and its push reaches the web socket', async () => {
    const web = await start('web');
    const login = await api(web, 'POST', '/api/v1/auth/login', undefined, ADMIN);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const token = login.body.data.accessToken as string;
    const socket: Socket = await sockets.open(web, token);
    const notes: Array<{ summary: string }> = [];
    socket.on('notification', (n: { summary: string }) => notes.push(n));

    const client = await api(web, 'POST', '/api/v1/clients', token, { email: `c-${randomUUID()}@example.test`, firstName: 'Ro', lastName: 'Les', country: 'DE' });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    const product = await api(web, 'POST', '/api/v1/products', token, { name: 'Thing', type: 'other', pricing: [{ currency: 'USD', cycle: 'onetime', amount: 1500 }] });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    const order = await api(web, 'POST', '/api/v1/orders', token, { clientId: client.body.data.id, items: [{ productId: product.body.data.id, cycle: 'onetime' }] });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const invoice = order.body.data.invoice as { id: string; number: string; total: number };
    const paid = await api(web, 'POST', `/api/v1/invoices/${invoice.id}/payments`, token, { amount: invoice.total, gateway: 'manual', transactionId: `tx-${randomUUID()}` });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));

    // And a job queued on web: a test mail (no SMTP configured: the job writes DATA_DIR/mail-outbox).
    assert.equal((await api(web, 'POST', '/api/v1/mail/test', token, {})).status, 202);
    const mails = () => (existsSync(join(db.env.DATA_DIR, 'mail-outbox', 'default')) ? readdirSync(join(db.env.DATA_DIR, 'mail-outbox', 'default')).filter((f) => f.endsWith('.eml')) : []);

    // Web alone: the event is in the outbox and stays there, the job is not run.
    const event = await knex('outbox_events').where({ name: 'invoice.paid' }).first();
    assert.ok(event, 'the web instance wrote invoice.paid to the outbox');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await knex('outbox_events').where({ id: event.id }).first()).dispatched_at, null, 'a web instance dispatches nothing');
    assert.equal(notes.length, 0);
    assert.deepEqual(mails(), [], 'a web instance runs no job');
    const ready = await api(web, 'GET', '/api/health/ready');
    assert.equal(ready.body.data.role, 'web');

    const worker = await start('worker');
    const deadline = Date.now() + 30_000;
    while (!notes.some((n) => n.summary === `Invoice ${invoice.number} paid`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(notes.some((n) => n.summary === `Invoice ${invoice.number} paid`), `the worker's push reached the socket on web: ${JSON.stringify(notes)}`);
    assert.notEqual((await knex('outbox_events').where({ id: event.id }).first()).dispatched_at, null);
    const testMail = () => mails().some((f) => readFileSync(join(db.env.DATA_DIR, 'mail-outbox', 'default', f), 'utf8').includes('Subject: mPanel test mail'));
    while (!testMail() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(testMail(), `the worker ran the job queued on web: ${mails().join(', ')}`);

    // The worker answers probes and metrics only.
    assert.equal((await api(worker, 'GET', '/api/v1/auth/me', token)).status, 404);
    assert.equal((await api(worker, 'GET', '/api/health')).status, 200);
    const workerReady = await api(worker, 'GET', '/api/health/ready');
    assert.equal(workerReady.status, 200, JSON.stringify(workerReady.body));
    assert.equal(workerReady.body.data.role, 'worker');
  });
});
