import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailPolicy, type MailPolicy } from '../src/mail-policy.ts';
import { renderSieve, type MailboxRecord } from '../src/ops/mail.ts';
import type { AgentEnv } from '../src/ops/types.ts';

/** The sending-limit policy service speaks Postfix's policy delegation protocol (no Postfix needed). */
describe('agent: mail sending-limit policy service', function () {
  const port = 26150;
  const dir = mkdtempSync(join(tmpdir(), 'mpa-mailpol-'));
  const env = { stateDir: dir, homeRoot: dir, userPrefix: 'mpt', now: () => new Date() } as unknown as AgentEnv;
  let policy: MailPolicy;
  const box = (id: string, localPart: string, extra: Partial<MailboxRecord>): MailboxRecord => ({
    id, username: 'mpt1', domain: 'example.test', localPart, passwordHash: '{SHA512-CRYPT}$6$x', quotaMb: 10, sendLimitPerHour: null, autoresponder: null, suspendPolicy: 'keep', state: 'active', ...extra,
  });

  /** One connection, several requests in a row (as smtpd does), answers in order. */
  const ask = (requests: Array<Record<string, string>>) => new Promise<string[]>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      data += c;
      const answers = data.split('\n\n').filter(Boolean);
      if (answers.length === requests.length) { socket.end(); resolve(answers); }
    });
    socket.on('error', reject);
    socket.write(requests.map((r) => `${Object.entries(r).map(([k, v]) => `${k}=${v}`).join('\n')}\n\n`).join(''));
  });
  const eom = (login: string) => ({ request: 'smtpd_access_policy', protocol_state: 'END-OF-MESSAGE', sasl_username: login, recipient_count: '1' });

  before(async () => {
    mkdirSync(join(dir, 'mail', 'mailboxes'), { recursive: true });
    writeFileSync(join(dir, 'mail', 'mailboxes', 'm1.json'), JSON.stringify(box('m1', 'limited', { sendLimitPerHour: 2 })));
    writeFileSync(join(dir, 'mail', 'mailboxes', 'm2.json'), JSON.stringify(box('m2', 'free', {})));
    writeFileSync(join(dir, 'mail', 'mailboxes', 'm3.json'), JSON.stringify(box('m3', 'off', { sendLimitPerHour: 100, state: 'suspended' })));
    policy = await startMailPolicy(env, { port });
  });
  after(async () => {
    await policy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets N messages of the hour through and defers the N+1th, counting per login', async () => {
    const answers = await ask([eom('limited@example.test'), eom('LIMITED@example.test'), eom('limited@example.test'), eom('free@example.test')]);
    assert.deepEqual(answers.slice(0, 2), ['action=DUNNO', 'action=DUNNO']);
    assert.match(answers[2]!, /^action=450 4\.7\.1 Sending limit reached: 2 messages per hour for limited@example\.test$/);
    assert.equal(answers[3], 'action=DUNNO');
    assert.equal(policy.counters()['limited@example.test']?.count, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const file = JSON.parse(readFileSync(join(dir, 'mail', 'send-counters.json'), 'utf8')) as Record<string, { count: number; hour: string }>;
    assert.equal(file['limited@example.test']?.count, 2);
    assert.equal(file['limited@example.test']?.hour, new Date().toISOString().slice(0, 13));
  });

  it('passes unknown logins and unauthenticated requests, refuses a suspended mailbox, and reads a raised limit at once', async () => {
    const [unknown, anon, suspended] = await ask([eom('nobody@example.test'), { request: 'smtpd_access_policy', sasl_username: '' }, eom('off@example.test')]);
    assert.equal(unknown, 'action=DUNNO');
    assert.equal(anon, 'action=DUNNO');
    assert.match(suspended!, /^action=450 /);
    writeFileSync(join(dir, 'mail', 'mailboxes', 'm1.json'), JSON.stringify(box('m1', 'limited', { sendLimitPerHour: 3 })));
    assert.deepEqual(await ask([eom('limited@example.test'), eom('limited@example.test')]), ['action=DUNNO', 'action=450 4.7.1 Sending limit reached: 3 messages per hour for limited@example.test']);
  });

  it('renders the autoresponder as Sieve with quotes escaped and the date range', () => {
    const script = renderSieve({ subject: 'Out "of" office \\ back', body: 'Line one\nLine "two"', from: '2026-01-01', until: '2026-02-01' });
    assert.match(script, /require \["vacation", "date", "relational"\];/);
    assert.match(script, /if allof\(currentdate :value "ge" "date" "2026-01-01", currentdate :value "le" "date" "2026-02-01"\)/);
    assert.match(script, /:subject "Out \\"of\\" office \\\\ back" "Line one\nLine \\"two\\""/);
    assert.doesNotMatch(renderSieve({ subject: 's', body: 'b', from: null, until: null }), /currentdate/);
  });
});
