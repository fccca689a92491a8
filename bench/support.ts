/**
 * `npm run bench:support`: incoming support mail turned into tickets, against raw SMTP acceptance
 * in the same run. BENCH_MAILS (500) mails from distinct senders are sent over BENCH_CONNECTIONS
 * (4) pooled SMTP connections:
 *  1. the ceiling: an in-process smtp-server that accepts and discards each message;
 *  2. the support receiver (SUPPORT_SMTP_PORT) of the real platform, which parses each mail,
 *     finds the tenant and department and writes the ticket, its message and its receipt job
 *     before answering 250.
 * Prints mails/s for both and the ratio. DATABASE_URL names the PostgreSQL server (default
 * postgres://postgres@127.0.0.1:5432/postgres); a scratch database is created and dropped.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { startTestServer } from '../core/src/testing/test-server.ts';
import { createTenantWithAdmin } from '../core/src/testing/auth.ts';

const MAILS = Number(process.env.BENCH_MAILS ?? 500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const PORT = Number(process.env.BENCH_SUPPORT_SMTP_PORT ?? 34125);
process.env.TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Sends MAILS mails to `to` through a pool of CONNECTIONS; resolves to the elapsed milliseconds. */
async function blast(port: number, to: string, tag: string): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
  const body = 'Hello,\n\nmy site answers 502 since this morning. Could you have a look?\n\nThanks\n-- \nA client';
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < MAILS) {
      const i = next++;
      await transport.sendMail({ from: `client-${tag}-${i}@bench.test`, to, subject: `Site down ${i}`, text: body, messageId: `<bench-${tag}-${i}@bench.test>` });
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const ms = performance.now() - start;
  transport.close();
  return ms;
}

// 1. The ceiling: SMTP acceptance alone.
const sink = new SMTPServer({ authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false, onData(stream, _s, cb) { stream.resume(); stream.on('end', () => cb()); } });
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const rawMs = await blast((sink.server.address() as AddressInfo).port, 'desk@bench.test', 'raw');
await new Promise<void>((r) => sink.close(() => r()));

// 2. The support receiver of the real platform.
const pluginDir = mkdtempSync(join(tmpdir(), 'mpanel-bench-support-'));
for (const name of ['billing', 'support']) symlinkSync(resolve(`plugins/${name}`), join(pluginDir, name));
process.env.SUPPORT_SMTP_PORT = String(PORT);
const dataDir = mkdtempSync(join(tmpdir(), 'mpanel-bench-support-data-'));
const server = await startTestServer({ plugins: { directories: [pluginDir] }, env: { LOG_LEVEL: 'warn', DATA_DIR: dataDir } });
try {
  const t = await createTenantWithAdmin(server, { slug: 'bench-support' });
  const dept = await server.request('POST', '/api/v1/ticket-departments', { token: t.token, body: { name: 'Support', email: 'desk@bench.test', unknownSenderPolicy: 'guest' } });
  if (dept.status !== 201) throw new Error(JSON.stringify(dept.body));
  await server.request('PUT', '/api/v1/plugins/support/settings', { token: t.token, body: { mailPerSenderPerHour: 10_000 } });
  log(`sending ${MAILS} mails over ${CONNECTIONS} connections…`);
  const deskMs = await blast(PORT, 'desk@bench.test', 'desk');
  const [{ n }] = (await server.knex('tickets').where({ tenant_id: t.tenant.id }).count({ n: '*' })) as [{ n: string }];
  const tickets = Number(n);
  const lines = [
    `support mail: ${MAILS} mails, ${CONNECTIONS} connections`,
    `  raw SMTP acceptance   ${(MAILS / (rawMs / 1000)).toFixed(0)} mails/s (${(rawMs / 1000).toFixed(2)} s)`,
    `  mail → ticket         ${(tickets / (deskMs / 1000)).toFixed(0)} tickets/s (${(deskMs / 1000).toFixed(2)} s, ${tickets} tickets)`,
    `  ratio                 ${(deskMs / rawMs).toFixed(1)}× the raw acceptance time`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (tickets !== MAILS) process.exitCode = 1;
} finally {
  delete process.env.SUPPORT_SMTP_PORT;
  await server.close();
  rmSync(pluginDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
