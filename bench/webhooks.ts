/**
 * `npm run bench:webhooks`: signed Stripe `payment_intent.succeeded` events posted from a second
 * process, each paying a distinct invoice end to end (verify the signature, claim the event id,
 * fetch the PaymentIntent from the Stripe API, record the payment, invoice paid), against a
 * verify-only endpoint in the same run. Reports events/s, p99 and the ratio. Goal: ≥ 500 events/s
 * and ≥ 0.5× of verify-only.
 *
 * Runs on PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a
 * scratch database is created and dropped) with the fake Stripe API in a third process on
 * loopback (Stripe is remote in production; in-process it would share the server's event loop). Billing is
 * the real billing plugin: each event writes the dedupe row, the payment, the invoice update and
 * the `payment.received` / `invoice.paid` outbox events in one transaction.
 * Settings: BENCH_EVENTS (2000), BENCH_CONNECTIONS (16). Profile with `node --cpu-prof --import tsx bench/webhooks.ts`.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlugin, ok, type RouteContext } from '@mpanel/sdk';
import { startTestServer } from '../core/src/testing/test-server.ts';
import { superAdminToken } from '../core/src/testing/auth.ts';
import { FakeStripeServer } from '../test/fakes/stripe/server.ts';
import { verifyStripeEvent } from '../plugins/gateway-stripe/src/verify.ts';
import { stripeClient } from '../plugins/gateway-stripe/src/client.ts';
import { pluginDirectory } from '../plugins/gateway-stripe/test/support/plugin-dir.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WEBHOOK_SECRET = 'whsec_bench';
process.env.TEST_DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';

/** The baseline: the same route pipeline and signature check, nothing else. */
const verifyOnly = definePlugin({
  manifest: { id: 'bench-verify', name: 'Bench: verify only', version: '0.1.0', engines: { mpanel: '>=0.1.0' } },
  register(ctx) {
    ctx.routes.add({
      method: 'POST',
      path: '/api/webhooks/bench-verify/:tenantId',
      public: true,
      scope: 'webhook',
      rawBody: true,
      transaction: false,
      handler: async (req: RouteContext) => {
        const event = await verifyStripeEvent(req.rawBody, req.header('stripe-signature'), WEBHOOK_SECRET);
        return ok({ received: true, id: event.id });
      },
    });
  },
});

/** BENCH_PROFILE=1: a V8 CPU profile of this process (the server) for the end-to-end run only. */
async function startProfiler(): Promise<() => Promise<string>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    const file = join(tmpdir(), `webhooks-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    return file;
  };
}

const SECRET_KEY = 'sk_test_bench_account';
const fakeProcess = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/stripe/main.ts', SECRET_KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
const [firstLine] = (await once(createInterface({ input: fakeProcess.stdout! }), 'line')) as [string];
const fakeUrl = (JSON.parse(firstLine) as { url: string }).url;
process.env.STRIPE_API_URL = fakeUrl;
const plugins = pluginDirectory();
const server = await startTestServer({ plugins: { directories: [plugins.dir], definitions: [verifyOnly] } });
try {
  const token = await superAdminToken(server);
  const tenantId = (await server.request('GET', '/api/v1/auth/me', { token })).body.data.tenant.id as string;
  const saved = await server.request('PUT', '/api/v1/plugins/gateway-stripe/settings', {
    token,
    body: { secretKey: SECRET_KEY, publishableKey: 'pk_test_bench_account', webhookSecret: WEBHOOK_SECRET },
  });
  if (saved.status !== 200) throw new Error(`settings: ${JSON.stringify(saved.body)}`);

  process.stderr.write(`preparing ${EVENTS} paid invoices and their signed events...\n`);
  const stripe = stripeClient(SECRET_KEY, fakeUrl);
  // One client and EVENTS issued, unpaid invoices, written as the table owner (the run is what is measured).
  const [client] = await server.knex('clients').insert({ tenant_id: tenantId, email: 'bench@example.test', first_name: 'Bench', last_name: 'Client', country: 'NL', currency: 'EUR' }).returning('id');
  const invoices = (await server.knex.raw(
    `INSERT INTO invoices (tenant_id, client_id, number, status, currency, subtotal, total, issue_date, due_date)
     SELECT ?, ?, 'BENCH-' || g, 'unpaid', 'EUR', 1000 + g % 500, 1000 + g % 500, current_date, current_date FROM generate_series(1, ?) g
     RETURNING id, total`,
    [tenantId, client.id, EVENTS],
  )).rows as Array<{ id: string; total: string }>;
  const invoiceOf = new Map<string, string>();
  for (const invoice of invoices) {
    const pi = await stripe.paymentIntents.create({ amount: Number(invoice.total), currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { invoiceId: invoice.id, tenantId } });
    invoiceOf.set(pi.id, invoice.id);
  }
  const events = await stripe.events.list({ type: 'payment_intent.succeeded', limit: 100 });
  const signed = events.data.map((event) => {
    const { payload, header } = FakeStripeServer.sign(event as unknown as Record<string, unknown>, WEBHOOK_SECRET);
    return { body: payload, signature: header, invoiceId: invoiceOf.get((event.data.object as { id: string }).id)! };
  });
  if (signed.length !== EVENTS) throw new Error(`expected ${EVENTS} events from the fake, got ${signed.length}`);

  const dir = mkdtempSync(join(tmpdir(), 'mpanel-bench-webhooks-'));
  const run = async (name: string, path: string) => {
    const cpu = process.cpuUsage();
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ url: server.url, connections: CONNECTIONS, requests: signed.map((s) => ({ path, body: s.body, signature: s.signature })) }));
    // Asynchronously: the server under test lives in this process's event loop.
    const child = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/webhooks-load.ts', file], { encoding: 'utf8', maxBuffer: 10 * 1024 * 1024 });
    const used = process.cpuUsage(cpu);
    const result = JSON.parse(child.stdout) as { sent: number; ok: number; non2xx: number; errors: number; statusCodes?: unknown; eventsPerSecond: number; p50: number; p99: number; cpuPerEvent?: number };
    // CPU of this process (the server, the outbox dispatcher and its subscribers) per event: steadier than events/s on a shared machine.
    result.cpuPerEvent = (used.user + used.system) / result.sent;
    if (result.ok !== result.sent) process.stderr.write(`${name}: ${result.sent - result.ok} requests failed: ${JSON.stringify({ statusCodes: result.statusCodes, errors: result.errors })}\n`);
    return result;
  };

  // One request each by hand first: a setup mistake shows as a readable error, not as 0 ev/s.
  for (const path of [`/api/webhooks/bench-verify/${tenantId}`, `/api/webhooks/stripe/${tenantId}`]) {
    const probe = await server.request('POST', path, { raw: signed[0]!.body, headers: { 'content-type': 'application/json', 'stripe-signature': signed[0]!.signature } });
    if (probe.status !== 200) throw new Error(`${path}: ${probe.status} ${JSON.stringify(probe.body)}`);
  }
  // SQL statements per event (knex's query event: every statement the server sent, the outbox dispatcher's included).
  // On PostgreSQL requests and event handlers use the app role's pool: both pools are counted.
  let statements = 0;
  const countStatement = () => void statements++;
  const pools = [...new Set([server.knex, server.running.platform.container.cradle.appKnex])];
  for (const pool of pools) pool.on('query', countStatement);
  const verify = await run('verify', `/api/webhooks/bench-verify/${tenantId}`);
  const verifyStatements = statements;
  const profiler = process.env.BENCH_PROFILE ? await startProfiler() : undefined;
  const full = await run('full', `/api/webhooks/stripe/${tenantId}`);
  if (profiler) process.stderr.write(`CPU profile of the end-to-end run: ${await profiler()}\n`);
  for (const pool of pools) pool.off('query', countStatement);
  const perEvent = (statements - verifyStatements) / EVENTS;
  const count = async (table: string, where: (q: ReturnType<typeof server.knex>) => unknown) => {
    const q = server.knex(table).where('tenant_id', tenantId);
    where(q);
    return Number(((await q.count({ n: '*' })) as Array<{ n: string }>)[0]!.n);
  };
  const paid = await count('invoices', (q) => q.where('status', 'paid').where('number', 'like', 'BENCH-%'));
  const payments = await count('payments', (q) => q.where('gateway', 'stripe'));
  const outbox = await count('outbox_events', (q) => q.where('name', 'invoice.paid'));

  const row = (name: string, r: Awaited<ReturnType<typeof run>>) => `${name.padEnd(30)} ${r.eventsPerSecond.toFixed(0).padStart(8)} ev/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   CPU ${r.cpuPerEvent!.toFixed(0).padStart(5)} µs/event   2xx ${r.ok}/${r.sent}`;
  const ratio = full.eventsPerSecond / verify.eventsPerSecond;
  process.stdout.write(
    [
      '',
      `webhooks bench: ${EVENTS} events, ${CONNECTIONS} connections, PostgreSQL, fake Stripe API in another process`,
      row('verify only', verify),
      row('end to end (pay an invoice)', full),
      `ratio end-to-end / verify-only: ${ratio.toFixed(2)}×   invoices paid: ${paid}/${EVENTS}   payments recorded: ${payments}   invoice.paid events: ${outbox}   SQL statements per event: ${perEvent.toFixed(1)}`,
      `goal: ≥ 500 ev/s ${full.eventsPerSecond >= 500 ? 'met' : 'NOT met'}, ≥ 0.5× ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
  if (paid !== EVENTS || payments !== EVENTS || outbox !== EVENTS) process.exitCode = 1;
} finally {
  await server.close();
  fakeProcess.kill('SIGTERM');
  plugins.remove();
}
