import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObservedResource } from '@mpanel/sdk';
import type { AgentEnv, Op, OpContext } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { spawn } from 'node:child_process';
import { run, type ExecResult } from './exec.ts';
import { applyAndReload, applyConfig, type FileChange } from './config-txn.ts';
import { atomicWrite, ensureDir, readIfExists, secureDir } from './files.ts';
import { withLock } from './lock.ts';
import { homeOf } from './layout.ts';
import { readAccount, stateDir } from './state.ts';
import { groupId, passwd } from './system.ts';

/**
 * Mail hosting (HOSTING.md §2): the agent keeps one root-owned record per mail domain, mailbox and
 * alias, and renders every managed file from all records on each change: Postfix texthash maps
 * (domains, mailboxes, aliases, a recipient access map bouncing suspended mailboxes), Dovecot's
 * passwd-file per domain (password hash, the account's uid/gid, Maildir home under the account's
 * home, quota rule, `nologin` when suspended) and OpenDKIM's KeyTable/SigningTable with one key per
 * domain. A change is validated (`postfix check`, `doveconf -n`, `opendkim -n`) before Postfix and
 * OpenDKIM reload, and every file goes back on failure. Dovecot re-reads passwd-files by itself, so
 * it is not reloaded (a HUP restarts its auth and LMTP processes: mail arriving just then got a 451),
 * but it must be running: a stopped Dovecot would take a mailbox "created" that can neither log in
 * nor receive, so the change fails retryably, is rolled back, and the engine's retry applies it.
 */

export interface MailDomainRecord { id: string; username: string; domain: string; dkimSelector: string | null; catchAll: string | null; state: 'active' | 'suspended' }
export interface Autoresponder { subject: string; body: string; from: string | null; until: string | null }
export interface MailboxRecord {
  id: string; username: string; domain: string; localPart: string; passwordHash: string; quotaMb: number;
  sendLimitPerHour: number | null; autoresponder: Autoresponder | null; suspendPolicy: 'keep' | 'bounce'; state: 'active' | 'suspended';
}
export interface MailAliasRecord { id: string; username: string; domain: string; localPart: string; targets: string[]; state: 'active' | 'suspended' }

type Kind = 'domains' | 'mailboxes' | 'aliases';

export function mailEnv(env: AgentEnv): NonNullable<AgentEnv['mail']> {
  if (!env.mail) throw new OpError('UNSUPPORTED', 'This server does not host mail (no mail section in the agent env)');
  return env.mail;
}
export const lockKey = (env: AgentEnv) => `mail:${mailEnv(env).postfixConfDir}`;
const recordDir = (env: AgentEnv, kind: Kind) => join(stateDir(env), 'mail', kind);

async function readRecord<T>(env: AgentEnv, kind: Kind, id: string): Promise<T | null> {
  const text = await readIfExists(join(recordDir(env, kind), `${id}.json`));
  return text === null ? null : (JSON.parse(text) as T);
}
async function writeRecord(env: AgentEnv, kind: Kind, id: string, value: unknown | null): Promise<void> {
  if (value === null) {
    await rm(join(recordDir(env, kind), `${id}.json`), { force: true });
    return;
  }
  await ensureDir(stateDir(env), 0o700);
  await ensureDir(join(stateDir(env), 'mail'), 0o700);
  await ensureDir(recordDir(env, kind), 0o700);
  await atomicWrite(join(recordDir(env, kind), `${id}.json`), JSON.stringify(value, null, 2), 0o600);
}
async function listRecords<T>(env: AgentEnv, kind: Kind): Promise<T[]> {
  const names = await readdir(recordDir(env, kind)).catch(() => [] as string[]);
  const out: T[] = [];
  for (const n of names.filter((x) => x.endsWith('.json')).sort()) {
    const r = await readRecord<T>(env, kind, n.slice(0, -5));
    if (r) out.push(r);
  }
  return out;
}

// ---- input validation -------------------------------------------------------------------------

function invalid(what: string, value: unknown): never {
  throw new OpError('INVALID_INPUT', `Invalid ${what}: ${JSON.stringify(value)?.slice(0, 100)}`);
}
const LOCAL = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$/;
function localPart(value: unknown, opts: { wildcard?: boolean } = {}): string {
  if (opts.wildcard && value === '*') return '*';
  if (typeof value !== 'string' || !LOCAL.test(value) || value.includes('..')) invalid('local part (a-z 0-9 . _ + -)', value);
  return value;
}
function mailDomainName(value: unknown): string {
  if (typeof value !== 'string' || value !== value.toLowerCase()) invalid('mail domain (lower case)', value);
  return v.domain(value);
}
/** An address: a local mailbox or an outside one (forwarders). */
function address(value: unknown, what = 'address'): string {
  if (typeof value !== 'string') invalid(what, value);
  const at = value.lastIndexOf('@');
  if (at < 1) invalid(what, value);
  localPart(value.slice(0, at).toLowerCase());
  mailDomainName(value.slice(at + 1).toLowerCase());
  return value.toLowerCase();
}
/** A Dovecot scheme-prefixed hash: one field of a passwd-file line (no ':' or whitespace). */
function dovecotHash(value: unknown): string {
  if (typeof value !== 'string' || !/^\{[A-Z0-9.-]{2,24}\}[\x21-\x39\x3b-\x7e]{8,400}$/.test(value)) invalid('password hash (a Dovecot {SCHEME} hash)', '***');
  return value;
}
function selector(value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value)) invalid('DKIM selector', value);
  return value;
}
function date(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) invalid(what, value);
  return value.slice(0, 10);
}
function text(value: unknown, what: string, max: number, oneLine: boolean): string {
  if (typeof value !== 'string' || value.length > max || /[\0\x7f]/.test(value) || (oneLine && /[\r\n]/.test(value))) invalid(what, value);
  return value;
}
function privateKey(value: unknown): string {
  if (typeof value !== 'string' || value.length > 16 * 1024 || !/^-----BEGIN (RSA )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA )?PRIVATE KEY-----\s*$/.test(value.trim() + '\n')) invalid('DKIM private key (PEM)', '…');
  return value.trim() + '\n';
}

// ---- rendering ----------------------------------------------------------------------------------

const sieveString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function renderSieve(a: Autoresponder): string {
  const tests = [
    ...(a.from ? [`currentdate :value "ge" "date" ${sieveString(a.from)}`] : []),
    ...(a.until ? [`currentdate :value "le" "date" ${sieveString(a.until)}`] : []),
  ];
  const vacation = `vacation :days 1 :subject ${sieveString(a.subject)} ${sieveString(a.body)};`;
  return `# managed by mpanel-agent\nrequire ["vacation", "date", "relational"];\n${tests.length ? `if allof(${tests.join(', ')}) {\n  ${vacation}\n}` : vacation}\n`;
}

interface All { domains: MailDomainRecord[]; mailboxes: MailboxRecord[]; aliases: MailAliasRecord[] }

const mailHome = (env: AgentEnv, m: Pick<MailboxRecord, 'username' | 'domain' | 'localPart'>) => join(homeOf(env, m.username), 'mail', m.domain, m.localPart);
const keyFile = (env: AgentEnv, domain: string) => join(mailEnv(env).dkim!.dir, 'keys', `${domain}.private`);

async function render(env: AgentEnv, all: All): Promise<FileChange[]> {
  const m = mailEnv(env);
  const byDomain = new Map(all.domains.map((d) => [d.domain, d]));
  // A suspended account suspends its mailboxes too (each by its own suspendPolicy).
  const accountSuspended = new Set<string>();
  for (const u of new Set(all.mailboxes.map((x) => x.username))) if ((await readAccount(env, u))?.state === 'suspended') accountSuspended.add(u);
  const suspended = (x: MailboxRecord) => x.state === 'suspended' || byDomain.get(x.domain)?.state === 'suspended' || accountSuspended.has(x.username);
  const head = '# managed by mpanel-agent: changes here are overwritten\n';
  const lines = (rows: string[]) => head + rows.map((r) => `${r}\n`).join('');
  const domains = all.domains.map((d) => `${d.domain} OK`);
  const mailboxes = all.mailboxes.filter((x) => !(suspended(x) && x.suspendPolicy === 'bounce')).map((x) => `${x.localPart}@${x.domain} OK`);
  const bounce = all.mailboxes.filter((x) => suspended(x) && x.suspendPolicy === 'bounce').map((x) => `${x.localPart}@${x.domain} 550 5.2.1 This mailbox is disabled`);
  const aliases: string[] = [];
  const catchAll = new Map<string, string[]>();
  for (const d of all.domains) if (d.catchAll) catchAll.set(d.domain, [d.catchAll]);
  for (const a of all.aliases.filter((x) => x.state === 'active' && byDomain.get(x.domain)?.state !== 'suspended')) {
    if (a.localPart === '*') catchAll.set(a.domain, [...(catchAll.get(a.domain) ?? []), ...a.targets]);
    else aliases.push(`${a.localPart}@${a.domain} ${a.targets.join(',')}`);
  }
  for (const [domain, targets] of catchAll) {
    aliases.push(`@${domain} ${[...new Set(targets)].join(',')}`);
    // With a catch-all, each mailbox maps to itself or the catch-all would take its mail too.
    const aliased = new Set(all.aliases.filter((a) => a.domain === domain).map((a) => a.localPart));
    for (const x of all.mailboxes.filter((b) => b.domain === domain && !aliased.has(b.localPart))) aliases.push(`${x.localPart}@${domain} ${x.localPart}@${domain}`);
  }
  const changes: FileChange[] = [
    { path: join(m.mapsDir, 'vdomains'), content: lines(domains) },
    { path: join(m.mapsDir, 'vmailboxes'), content: lines(mailboxes) },
    { path: join(m.mapsDir, 'valiases'), content: lines(aliases) },
    { path: join(m.mapsDir, 'vbounce'), content: lines(bounce) },
  ];
  // passwd-file per domain: user:hash:uid:gid::home::extra fields
  const files = new Map<string, string[]>();
  for (const d of all.domains) files.set(d.domain, []);
  for (const x of all.mailboxes) {
    const user = await passwd(x.username);
    if (!user) continue; // the account is gone: its mailboxes cannot log in or receive
    const extra = [...(x.quotaMb > 0 ? [`userdb_quota_rule=*:storage=${x.quotaMb}M`] : []), ...(suspended(x) ? ['nologin=y'] : [])];
    files.get(x.domain)?.push(`${x.localPart}@${x.domain}:${x.passwordHash}:${user.uid}:${user.gid}::${mailHome(env, x)}::${extra.join(' ')}`);
  }
  const existing = (await readdir(m.passwdDir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
  for (const name of new Set([...existing, ...files.keys()])) {
    const rows = files.get(name);
    changes.push({ path: join(m.passwdDir, name), content: rows ? lines(rows) : null });
  }
  if (m.dkim) {
    const signing = all.domains.filter((d) => d.dkimSelector);
    changes.push({ path: join(m.dkim.dir, 'KeyTable'), content: lines(signing.map((d) => `${d.dkimSelector}._domainkey.${d.domain} ${d.domain}:${d.dkimSelector}:${keyFile(env, d.domain)}`)) });
    changes.push({ path: join(m.dkim.dir, 'SigningTable'), content: lines(signing.map((d) => `*@${d.domain} ${d.dkimSelector}._domainkey.${d.domain}`)) });
  }
  return changes;
}

/**
 * Runs a postfix command and resolves when it exits, not when its pipes close: `postfix` may leave
 * a helper (postlogd) holding the inherited pipes, which would stall `run()` until its timeout.
 */
export function runPostfix(bin: string, args: string[]): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new OpError('TIMEOUT', `${bin} ${args.join(' ')} did not finish`, { retryable: true })); }, 60_000);
    child.on('error', (e) => { clearTimeout(timer); reject(new OpError('UNSUPPORTED', `${bin} could not run: ${e.message}`)); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Let the output already written drain, then stop listening to pipes a helper may keep.
      setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); resolve({ stdout, stderr, code: code ?? 1 }); }, 20);
    });
  });
}

export async function validateConfig(env: AgentEnv): Promise<string | null> {
  const m = mailEnv(env);
  const pf = await runPostfix(m.postfixBin, ['-c', m.postfixConfDir, 'check']);
  if (pf.code !== 0) return `postfix check rejected the configuration (rolled back, the running Postfix is unchanged): ${(pf.stderr + pf.stdout).trim().slice(0, 1500) || `exit ${pf.code}`}`;
  for (const map of ['vdomains', 'vmailboxes', 'valiases', 'vbounce']) {
    const q = await run('/usr/sbin/postmap', ['-c', m.postfixConfDir, '-q', 'probe.invalid', `texthash:${join(m.mapsDir, map)}`]);
    if (q.code > 1) return `postmap cannot read ${map} (rolled back): ${(q.stderr + q.stdout).trim().slice(0, 1500)}`;
  }
  const dc = await run(m.doveconfBin ?? '/usr/bin/doveconf', ['-c', m.dovecotConf, '-n']);
  if (dc.code !== 0) return `doveconf -n rejected the configuration (rolled back): ${(dc.stderr + dc.stdout).trim().slice(0, 1500)}`;
  if (m.dkim?.confFile) {
    const dk = await run(m.dkim.bin ?? '/usr/sbin/opendkim', ['-n', '-x', m.dkim.confFile]);
    if (dk.code !== 0) return `opendkim -n rejected the configuration (rolled back): ${(dk.stderr + dk.stdout).trim().slice(0, 1500)}`;
  }
  return null;
}

/** Dovecot's master process is alive (its pid file under base_dir, as `doveconf` reads the config). */
async function assertDovecotRunning(env: AgentEnv): Promise<void> {
  const m = mailEnv(env);
  const dc = await run(m.doveconfBin ?? '/usr/bin/doveconf', ['-c', m.dovecotConf, '-h', 'base_dir']);
  const pidFile = join(dc.stdout.trim() || '/run/dovecot', 'master.pid');
  const pid = Number((await readIfExists(pidFile))?.trim());
  let alive = Number.isInteger(pid) && pid > 1;
  if (alive) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  if (!alive) throw new OpError('REMOTE_UNAVAILABLE', `Dovecot is not running (no live process in ${pidFile}): mailboxes could neither log in nor receive; the change waits for Dovecot`);
}

async function reload(env: AgentEnv, dkimChanged: boolean): Promise<void> {
  const m = mailEnv(env);
  // Dovecot first: when it is down nothing has been reloaded yet, and the rollback leaves Postfix as it was.
  await assertDovecotRunning(env);
  const r = await runPostfix(m.postfixBin, ['-c', m.postfixConfDir, 'reload']);
  if (r.code !== 0) throw new OpError('REMOTE_UNAVAILABLE', `postfix reload failed (is Postfix running?): ${(r.stderr + r.stdout).trim().slice(0, 1000)}`);
  if (dkimChanged && m.dkim) {
    const pid = Number((await readIfExists(m.dkim.pidFile))?.trim());
    if (!Number.isInteger(pid) || pid <= 1) throw new OpError('REMOTE_UNAVAILABLE', `opendkim is not running (no pid in ${m.dkim.pidFile})`);
    try {
      process.kill(pid, 'SIGUSR1');
    } catch {
      throw new OpError('REMOTE_UNAVAILABLE', `opendkim is not running (pid ${pid} is gone)`);
    }
  }
}

export const listMailboxes = (env: AgentEnv) => listRecords<MailboxRecord>(env, 'mailboxes');
/** Messages sent this hour per login, written by the sending-limit policy service (agent/src/mail-policy.ts). */
export const sendCountersFile = (env: AgentEnv) => join(stateDir(env), 'mail', 'send-counters.json');

async function sentThisHour(env: AgentEnv, address: string): Promise<number> {
  const text = await readIfExists(sendCountersFile(env));
  const entry = text ? (JSON.parse(text) as Record<string, { hour: string; count: number }>)[address] : undefined;
  return entry && entry.hour === new Date().toISOString().slice(0, 13) ? entry.count : 0;
}

async function loadAll(env: AgentEnv): Promise<All> {
  return { domains: await listRecords(env, 'domains'), mailboxes: await listRecords(env, 'mailboxes'), aliases: await listRecords(env, 'aliases') };
}

/**
 * Changes records and applies the rendered files as one transaction: validation or reload failing
 * puts every file and record back. Runs under the mail lock (maps are server-wide).
 */
async function commit(ctx: OpContext, records: Array<{ kind: Kind; id: string; value: unknown | null }>, keys: Array<{ domain: string; pem: string | null }> = []): Promise<boolean> {
  const { env } = ctx;
  return withLock(lockKey(env), async () => {
    const previous = await Promise.all(records.map((r) => readRecord(env, r.kind, r.id)));
    const m = mailEnv(env);
    const previousKeys = m.dkim ? await Promise.all(keys.map((k) => readIfExists(keyFile(env, k.domain)))) : [];
    const undoRecords = async () => {
      for (const [i, r] of records.entries()) await writeRecord(env, r.kind, r.id, previous[i] ?? null);
    };
    const writeKeys = async (pems: Array<string | null>) => {
      if (!m.dkim) return;
      const owner = await passwd(m.dkim.user);
      if (!owner) throw new OpError('REMOTE_ERROR', `The OpenDKIM user ${m.dkim.user} does not exist`);
      await ensureDir(join(m.dkim.dir, 'keys'), 0o750, 0, owner.gid);
      for (const [i, k] of keys.entries()) {
        const pem = pems[i] ?? null;
        if (pem === null) await rm(keyFile(env, k.domain), { force: true });
        else await atomicWrite(keyFile(env, k.domain), pem, 0o600, { uid: owner.uid, gid: owner.gid });
      }
    };
    const keysChanged = keys.some((k, i) => k.pem !== (previousKeys[i] ?? null));
    try {
      for (const r of records) await writeRecord(env, r.kind, r.id, r.value);
      if (keysChanged) await ctx.step('dkim keys', () => writeKeys(keys.map((k) => k.pem)));
      const changes = await render(env, await loadAll(env));
      const dkimFiles = m.dkim ? [join(m.dkim.dir, 'KeyTable'), join(m.dkim.dir, 'SigningTable')] : [];
      const before = await Promise.all(dkimFiles.map((f) => readIfExists(f)));
      const dkimChanged = keysChanged || changes.some((c) => dkimFiles.includes(c.path) && c.content !== before[dkimFiles.indexOf(c.path)]);
      const passwdGid = await groupId(m.dovecotGroup ?? 'dovecot');
      await ensureDir(m.passwdDir, 0o750, 0, passwdGid);
      return await ctx.step('postfix, dovecot, opendkim config', () =>
        applyAndReload(() => applyConfig(`${lockKey(env)}:files`, changes, () => validateConfig(env)), () => reload(env, dkimChanged)));
    } catch (error) {
      await undoRecords();
      if (keysChanged) await writeKeys(previousKeys).catch(() => undefined);
      throw error;
    }
  });
}

/** The mailbox's Maildir home: <home>/mail/<domain>/<local>, each level owned by the account user, 0700. */
async function ensureMailHome(env: AgentEnv, m: MailboxRecord): Promise<void> {
  const user = await passwd(m.username);
  if (!user) throw new OpError('NOT_FOUND', `Account ${m.username} does not exist on this server: ensure the account first`);
  const home = homeOf(env, m.username);
  await lstat(home).catch(() => { throw new OpError('NOT_FOUND', `The home of ${m.username} does not exist: ensure the account first`); });
  let dir = home;
  for (const part of ['mail', m.domain, m.localPart]) {
    dir = join(dir, part);
    await mkdir(dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
    await secureDir(dir, 0o700, user.uid, user.gid);
  }
  const sieve = join(dir, '.dovecot.sieve');
  if (m.autoresponder) await atomicWrite(sieve, renderSieve(m.autoresponder), 0o600, { uid: user.uid, gid: user.gid });
  else await rm(sieve, { force: true });
}

async function dirSizeBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirSizeBytes(p);
    else if (e.isFile()) total += (await lstat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

// ---- ops ------------------------------------------------------------------------------------------

type Params = { username: string; [k: string]: unknown };

function owned<T extends { username: string }>(record: T | null, username: string): T | null {
  return record && record.username === username ? record : null;
}

async function domainOf(env: AgentEnv, username: string, domain: string): Promise<MailDomainRecord> {
  const d = (await listRecords<MailDomainRecord>(env, 'domains')).find((x) => x.domain === domain && x.username === username);
  if (!d) throw new OpError('NOT_FOUND', `Mail domain ${domain} is not set up for ${username} on this server: ensure the mail domain first`);
  return d;
}

export async function observeMailDomain(env: AgentEnv, d: MailDomainRecord): Promise<ObservedResource> {
  const m = mailEnv(env);
  const listed = ((await readIfExists(join(m.mapsDir, 'vdomains'))) ?? '').split('\n').includes(`${d.domain} OK`);
  const dkim = d.dkimSelector && m.dkim ? (await readIfExists(keyFile(env, d.domain))) !== null : null;
  return { kind: 'mailDomain', id: d.id, exists: listed, state: d.state, ...(listed ? {} : { drift: ['domain missing from the Postfix map'] }), detail: { domain: d.domain, dkim: dkim ? d.dkimSelector : null, catchAll: d.catchAll } };
}

export async function observeMailbox(env: AgentEnv, x: MailboxRecord): Promise<ObservedResource> {
  const m = mailEnv(env);
  const line = ((await readIfExists(join(m.passwdDir, x.domain))) ?? '').split('\n').find((l) => l.startsWith(`${x.localPart}@${x.domain}:`));
  const home = mailHome(env, x);
  const usageBytes = await dirSizeBytes(home);
  return {
    kind: 'mailbox', id: x.id, exists: Boolean(line), state: line?.includes('nologin=y') ? 'suspended' : 'active',
    ...(line ? {} : { drift: ['mailbox missing from the Dovecot passwd-file'] }),
    detail: { address: `${x.localPart}@${x.domain}`, quotaMb: x.quotaMb, usageMb: Math.round((usageBytes / 1048576) * 100) / 100, usageBytes, sendLimitPerHour: x.sendLimitPerHour, sentThisHour: await sentThisHour(env, `${x.localPart}@${x.domain}`), autoresponder: Boolean(x.autoresponder) },
  };
}

export async function observeMailAlias(env: AgentEnv, a: MailAliasRecord): Promise<ObservedResource> {
  const m = mailEnv(env);
  const key = a.localPart === '*' ? `@${a.domain} ` : `${a.localPart}@${a.domain} `;
  const line = ((await readIfExists(join(m.mapsDir, 'valiases'))) ?? '').split('\n').find((l) => l.startsWith(key));
  const exists = a.state === 'suspended' || Boolean(line);
  return { kind: 'mailAlias', id: a.id, exists, state: a.state, detail: { address: key.trim(), targets: a.targets } };
}

export async function observeMail(env: AgentEnv, username: string): Promise<ObservedResource[]> {
  if (!env.mail) return [];
  const all = await loadAll(env);
  const out: ObservedResource[] = [];
  for (const d of all.domains.filter((x) => x.username === username)) out.push(await observeMailDomain(env, d));
  for (const x of all.mailboxes.filter((r) => r.username === username)) out.push(await observeMailbox(env, x));
  for (const a of all.aliases.filter((r) => r.username === username)) out.push(await observeMailAlias(env, a));
  return out;
}

const domainEnsure: Op<Params> = {
  name: 'mail.domain.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    mailEnv(env);
    const username = v.username(params.username, env.userPrefix);
    const p = v.object(params.mailDomain, 'mailDomain');
    const id = v.id(p.id, 'mail domain id');
    const domain = mailDomainName(p.domain);
    const state = v.state(p.state);
    const catchAll = p.catchAll === undefined || p.catchAll === null || p.catchAll === '' ? null : address(p.catchAll, 'catch-all address');
    const dkim = p.dkim === null || p.dkim === undefined ? null : v.object(p.dkim, 'dkim');
    const dkimSelector = dkim ? selector(dkim.selector) : null;
    const pem = dkim ? privateKey(dkim.privateKeyPem) : null;
    const existing = await readRecord<MailDomainRecord>(env, 'domains', id);
    if (existing && existing.username !== username) throw new OpError('CONFLICT', `Mail domain id ${id} belongs to another account`);
    const clash = (await listRecords<MailDomainRecord>(env, 'domains')).find((d) => d.domain === domain && d.id !== id);
    if (clash) throw new OpError('CONFLICT', `${domain} already receives mail on this server (another mail domain)`);
    if (existing && existing.domain !== domain) throw new OpError('CONFLICT', `Mail domain ${id} is ${existing.domain}; a domain cannot be renamed (remove and add it)`);
    const record: MailDomainRecord = { id, username, domain, dkimSelector, catchAll, state };
    await commit(ctx, [{ kind: 'domains', id, value: record }], env.mail?.dkim ? [{ domain, pem }] : []);
    return observeMailDomain(env, record);
  },
};

const domainRemove: Op<Params> = {
  name: 'mail.domain.remove',
  async run(ctx, params) {
    const { env } = ctx;
    mailEnv(env);
    const username = v.username(params.username, env.userPrefix);
    const id = v.id(params.id ?? params.mailDomainId, 'mail domain id');
    const record = owned(await readRecord<MailDomainRecord>(env, 'domains', id), username);
    if (!record) return { kind: 'mailDomain', id, exists: false } satisfies ObservedResource;
    const all = await loadAll(env);
    const boxes = all.mailboxes.filter((x) => x.domain === record.domain && x.username === username);
    const aliases = all.aliases.filter((x) => x.domain === record.domain && x.username === username);
    await commit(ctx, [
      { kind: 'domains', id, value: null },
      ...boxes.map((b) => ({ kind: 'mailboxes' as const, id: b.id, value: null })),
      ...aliases.map((a) => ({ kind: 'aliases' as const, id: a.id, value: null })),
    ], env.mail?.dkim ? [{ domain: record.domain, pem: null }] : []);
    await ctx.step('mail files', () => rm(join(homeOf(env, username), 'mail', record.domain), { recursive: true, force: true }));
    return { kind: 'mailDomain', id, exists: false } satisfies ObservedResource;
  },
};

const mailboxEnsure: Op<Params> = {
  name: 'mailbox.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    mailEnv(env);
    const username = v.username(params.username, env.userPrefix);
    const p = v.object(params.mailbox, 'mailbox');
    const id = v.id(p.id, 'mailbox id');
    const domain = mailDomainName(p.domain);
    const lp = localPart(p.localPart);
    const state = v.state(p.state);
    const ar = p.autoresponder === null || p.autoresponder === undefined ? null : v.object(p.autoresponder, 'autoresponder');
    const record: MailboxRecord = {
      id, username, domain, localPart: lp, passwordHash: dovecotHash(p.passwordHash), quotaMb: v.int(p.quotaMb, 'quotaMb', 0, 10_000_000),
      sendLimitPerHour: p.sendLimitPerHour === null || p.sendLimitPerHour === undefined ? null : v.int(p.sendLimitPerHour, 'sendLimitPerHour', 0, 1_000_000),
      autoresponder: ar ? { subject: text(ar.subject, 'autoresponder subject', 200, true), body: text(ar.body, 'autoresponder body', 10_000, false), from: date(ar.from, 'autoresponder start date'), until: date(ar.until, 'autoresponder end date') } : null,
      suspendPolicy: p.suspendPolicy === undefined || p.suspendPolicy === null ? 'keep' : p.suspendPolicy === 'keep' || p.suspendPolicy === 'bounce' ? p.suspendPolicy : invalid('suspendPolicy (keep or bounce)', p.suspendPolicy),
      state,
    };
    await domainOf(env, username, domain);
    const existing = await readRecord<MailboxRecord>(env, 'mailboxes', id);
    if (existing && existing.username !== username) throw new OpError('CONFLICT', `Mailbox id ${id} belongs to another account`);
    if (existing && (existing.domain !== domain || existing.localPart !== lp)) throw new OpError('CONFLICT', `Mailbox ${id} is ${existing.localPart}@${existing.domain}; an address cannot be renamed`);
    const all = await loadAll(env);
    if (all.mailboxes.some((x) => x.id !== id && x.domain === domain && x.localPart === lp)) throw new OpError('ALREADY_EXISTS', `${lp}@${domain} already exists`);
    if (all.aliases.some((x) => x.domain === domain && x.localPart === lp)) throw new OpError('CONFLICT', `${lp}@${domain} is a forwarder`);
    await ctx.step('maildir', () => ensureMailHome(env, record));
    await commit(ctx, [{ kind: 'mailboxes', id, value: record }]);
    return observeMailbox(env, record);
  },
};

const mailboxRemove: Op<Params> = {
  name: 'mailbox.remove',
  async run(ctx, params) {
    const { env } = ctx;
    mailEnv(env);
    const username = v.username(params.username, env.userPrefix);
    const id = v.id(params.id ?? params.mailboxId, 'mailbox id');
    const record = owned(await readRecord<MailboxRecord>(env, 'mailboxes', id), username);
    if (!record) return { kind: 'mailbox', id, exists: false } satisfies ObservedResource;
    await commit(ctx, [{ kind: 'mailboxes', id, value: null }]);
    await ctx.step('maildir', () => rm(mailHome(env, record), { recursive: true, force: true }));
    return { kind: 'mailbox', id, exists: false } satisfies ObservedResource;
  },
};

const aliasEnsure: Op<Params> = {
  name: 'mail.alias.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    mailEnv(env);
    const username = v.username(params.username, env.userPrefix);
    const p = v.object(params.mailAlias, 'mailAlias');
    const id = v.id(p.id, 'alias id');
    const domain = mailDomainName(p.domain);
    const lp = localPart(p.localPart, { wildcard: true });
    if (!Array.isArray(p.targets) || p.targets.length === 0 || p.targets.length > 50) invalid('targets (1 to 50 addresses)', p.targets);
    const targets = [...new Set(p.targets.map((t) => address(t, 'target address')))];
    const record: MailAliasRecord = { id, username, domain, localPart: lp, targets, state: v.state(p.state) };
    await domainOf(env, username, domain);
    const existing = await readRecord<MailAliasRecord>(env, 'aliases', id);
    if (existing && existing.username !== username) throw new OpError('CONFLICT', `Alias id ${id} belongs to another account`);
    const all = await loadAll(env);
    if (all.aliases.some((x) => x.id !== id && x.domain === domain && x.localPart === lp)) throw new OpError('ALREADY_EXISTS', `${lp}@${domain} already exists`);
    if (lp !== '*' && all.mailboxes.some((x) => x.domain === domain && x.localPart === lp)) throw new OpError('CONFLICT', `${lp}@${domain} is a mailbox`);
    await commit(ctx, [{ kind: 'aliases', id, value: record }]);
    return observeMailAlias(env, record);
  },
};

const aliasRemove: Op<Params> = {
  name: 'mail.alias.remove',
  async run(ctx, params) {
    const { env } = ctx;
    mailEnv(env);
    const username = v.username(params.username, env.userPrefix);
    const id = v.id(params.id ?? params.aliasId, 'alias id');
    const record = owned(await readRecord<MailAliasRecord>(env, 'aliases', id), username);
    if (!record) return { kind: 'mailAlias', id, exists: false } satisfies ObservedResource;
    await commit(ctx, [{ kind: 'aliases', id, value: null }]);
    return { kind: 'mailAlias', id, exists: false } satisfies ObservedResource;
  },
};

/** account.remove: the account's mail domains, mailboxes and forwarders leave the maps (mail files go with the home). */
export function removeAccountMail(ctx: OpContext, username: string): Promise<void> {
  return withLock(serialKey(ctx.env), () => removeAccountMailNow(ctx, username));
}
async function removeAccountMailNow(ctx: OpContext, username: string): Promise<void> {
  const all = await loadAll(ctx.env);
  const domains = all.domains.filter((x) => x.username === username);
  const records = [
    ...domains.map((x) => ({ kind: 'domains' as const, id: x.id, value: null })),
    ...all.mailboxes.filter((x) => x.username === username).map((x) => ({ kind: 'mailboxes' as const, id: x.id, value: null })),
    ...all.aliases.filter((x) => x.username === username).map((x) => ({ kind: 'aliases' as const, id: x.id, value: null })),
  ];
  if (!records.length) return;
  await ctx.step('mail', () => commit(ctx, records, ctx.env.mail?.dkim ? domains.map((d) => ({ domain: d.domain, pem: null })) : []));
}

/**
 * account.ensure: re-renders the mail files so the account's state applies to its mailboxes
 * (suspended: login refused, incoming mail kept or bounced by each mailbox's suspendPolicy).
 */
export function applyAccountMail(ctx: OpContext, username: string): Promise<void> {
  return withLock(serialKey(ctx.env), async () => {
    const all = await loadAll(ctx.env);
    if (!all.mailboxes.some((x) => x.username === username)) return;
    await commit(ctx, []);
  });
}

const mailObserve: Op<Params> = {
  name: 'mail.observe',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    mailEnv(ctx.env);
    return { resources: await ctx.step('mail', () => observeMail(ctx.env, username)) };
  },
};

/**
 * Mail ops run one at a time per server (the maps are server-wide): an op's checks (address taken,
 * domain of another account) and its commit see the same records, so two concurrent ensures of one
 * address cannot both pass.
 */
export const serialKey = (env: AgentEnv) => `mail-ops:${env.mail?.postfixConfDir ?? ''}`;
export const mailOps: Array<Op<Params>> = [domainEnsure, domainRemove, mailboxEnsure, mailboxRemove, aliasEnsure, aliasRemove, mailObserve]
  .map((op) => ({ name: op.name, run: (ctx: OpContext, params: Params) => withLock(serialKey(ctx.env), () => op.run(ctx, params)) }));
