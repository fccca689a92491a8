/**
 * `npm run bench:mail` (issue 18): mailboxes created per minute through the agent's ops on a private
 * Postfix + Dovecot + OpenDKIM (each op renders the maps, runs `postfix check`/`doveconf -n` and
 * reloads Postfix), then the time for one message to reach each new mailbox over SMTP → LMTP.
 * Needs root and the mail packages (.ci/services/mail.sh):  BENCH_MAILBOXES=30 npm run bench:mail
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { startHostingLab } from '../test/support/hosting-lab.ts';
import { startMailLab } from '../test/support/mail-lab.ts';
import { runOp } from '../agent/src/ops/index.ts';

const N = Number(process.env.BENCH_MAILBOXES ?? 30);
const out = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const tag = `b${process.pid.toString(36)}`.slice(0, 6);
const username = `mpt${tag}`;
const domain = `bench-${tag}.test`;

const hosting = await startHostingLab({ portBase: 26100, tlsPort: 26144 });
const mail = await startMailLab(hosting.env, hosting.dir, { portBase: 26100 });
const env = hosting.env;
const must = async (name: string, params: Record<string, unknown>) => {
  const r = await runOp(env, name, params);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
};
try {
  out(`bench:mail — ${N} mailboxes on one server (private Postfix, Dovecot, OpenDKIM); load average before: ${load()}`);
  await must('account.ensure', { username, state: 'active', plan: { diskMb: 1000, sites: 1, databases: 0, cronJobs: 0, phpVersions: [], phpMaxChildren: 1, memoryMb: null } });
  await must('mail.domain.ensure', { username, mailDomain: { id: 'bd', domain, dkim: null, state: 'active' } });
  const hash = execFileSync('doveadm', ['pw', '-s', 'SHA512-CRYPT', '-p', 'bench-password']).toString().trim();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await must('mailbox.ensure', { username, mailbox: { id: `bm${i}`, domain, localPart: `user${i}`, passwordHash: hash, quotaMb: 100, state: 'active' } });
  const createMs = performance.now() - t0;
  out(`mailbox.ensure: ${N} in ${(createMs / 1000).toFixed(1)} s → ${((N / createMs) * 60_000).toFixed(0)} mailboxes/minute (${(createMs / N).toFixed(0)} ms each, one Postfix reload per op)`);

  const t1 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = spawnSync('curl', ['-sS', `smtp://127.0.0.1:${mail.smtpPort}`, '--mail-from', 'bench@example.net', '--mail-rcpt', `user${i}@${domain}`, '-T', '-'], { input: `Subject: bench ${i}\r\n\r\nhello\r\n` });
    if (r.status !== 0) throw new Error(`SMTP to user${i}: ${r.stderr}`);
  }
  const delivered = (i: number) => { const d = join(env.homeRoot, username, 'mail', domain, `user${i}`, 'Maildir', 'new'); return existsSync(d) && readdirSync(d).length > 0; };
  while (!Array.from({ length: N }, (_, i) => delivered(i)).every(Boolean)) {
    if (performance.now() - t1 > 120_000) throw new Error('not all messages were delivered within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  out(`delivery: ${N} messages over SMTP → LMTP → Maildir in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  out(`load average after: ${load()}`);
} finally {
  await runOp(env, 'mail.domain.remove', { username, id: 'bd' });
  await mail.stop();
  await hosting.stop();
}
