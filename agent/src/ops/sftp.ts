import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredResource, ObservedResource } from '@mpanel/sdk';
import type { AgentEnv, Op } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { run, runOk } from './exec.ts';
import { applyAndReload, applyConfig } from './config-txn.ts';
import { atomicWrite, ensureDir, readIfExists } from './files.ts';
import { homeOf } from './layout.ts';
import { managedAccount } from './site.ts';
import { NOLOGIN, passwd, setExpired, shadow } from './system.ts';

type SftpParams = { username: string; sftp: Extract<DesiredResource, { kind: 'sftpUser' }> };

function sftpEnv(env: AgentEnv): NonNullable<AgentEnv['sftp']> {
  if (!env.sftp) throw new OpError('UNSUPPORTED', 'SFTP is not configured on this server');
  return env.sftp;
}
const matchFile = (env: AgentEnv, u: string) => join(sftpEnv(env).sshdConfigDir, `${u}.conf`);
const keysDir = (env: AgentEnv) => join(sftpEnv(env).sshdConfigDir, 'keys');
const keysFile = (env: AgentEnv, u: string) => join(keysDir(env), u);

/**
 * A chrooted internal-sftp Match block per account. The chroot is the home (root-owned 711, as
 * sshd requires); the session starts in web/. Suspended: no authentication method is left, so
 * sshd refuses every login for the user (the account's expiry date does the same at account level).
 */
function renderMatch(env: AgentEnv, u: string, login: string, opts: { password: boolean; keys: boolean }): string {
  return [
    `# managed by mpanel-agent: SFTP login ${login} of ${u}; changes here are overwritten`,
    `Match User ${login}`,
    `    ChrootDirectory ${homeOf(env, u)}`,
    '    ForceCommand internal-sftp -d /web',
    '    AllowTcpForwarding no',
    '    AllowAgentForwarding no',
    '    X11Forwarding no',
    '    PermitTTY no',
    `    PasswordAuthentication ${opts.password ? 'yes' : 'no'}`,
    `    PubkeyAuthentication ${opts.keys ? 'yes' : 'no'}`,
    `    AuthorizedKeysFile ${keysDir(env)}/%u`,
    '',
  ].join('\n');
}

async function validateSshd(env: AgentEnv): Promise<string | null> {
  const s = sftpEnv(env);
  if (!s.configFile) return null;
  const r = await run(s.bin ?? '/usr/sbin/sshd', ['-t', '-f', s.configFile]);
  return r.code === 0 ? null : `sshd -t rejected the configuration (rolled back): ${r.stderr.trim().slice(0, 1000)}`;
}

/** sshd reads Match blocks at start and on SIGHUP (it re-executes itself with the same pid). */
async function reloadSshd(env: AgentEnv): Promise<void> {
  const s = sftpEnv(env);
  if (!s.pidFile) return;
  const pid = Number((await readFile(s.pidFile, 'utf8').catch(() => '')).trim());
  if (!(pid > 1)) throw new OpError('REMOTE_UNAVAILABLE', `sshd is not running (no pid in ${s.pidFile})`);
  try {
    process.kill(pid, 'SIGHUP');
  } catch {
    throw new OpError('REMOTE_UNAVAILABLE', `sshd (pid ${pid}) is not running`);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function applyMatch(env: AgentEnv, u: string, login: string, opts: { password: boolean; keys: boolean } | null): Promise<void> {
  await ensureDir(sftpEnv(env).sshdConfigDir, 0o755);
  const content = opts && renderMatch(env, u, login, opts);
  await applyAndReload(() => applyConfig(`sshd:${sftpEnv(env).sshdConfigDir}`, [{ path: matchFile(env, login), content }], () => validateSshd(env)), () => reloadSshd(env));
}

/** Extra SFTP users share the account's uid and gid (files they upload belong to the account). */
async function ensureLogin(env: AgentEnv, username: string, login: string): Promise<void> {
  if (login === username) return;
  const owner = await passwd(username);
  if (!owner) throw new OpError('NOT_FOUND', `Linux user ${username} is missing: run account.ensure`);
  const existing = await passwd(login);
  if (existing && (existing.uid !== owner.uid || existing.shell !== NOLOGIN)) throw new OpError('CONFLICT', `Linux user ${login} exists and does not belong to ${username}`);
  if (!existing) await runOk('useradd', ['--non-unique', '--uid', String(owner.uid), '--gid', String(owner.gid), '--home-dir', homeOf(env, username), '--no-create-home', '--shell', NOLOGIN, login]);
}

const ensure: Op<SftpParams> = {
  name: 'sftp.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const s = v.object(params.sftp, 'sftp') as SftpParams['sftp'];
    const login = v.sftpUsername(s.username, username);
    const state = v.state(s.state);
    const hash = s.passwordHash === undefined || s.passwordHash === null ? null : v.passwordHash(s.passwordHash);
    if (!Array.isArray(s.authorizedKeys) || s.authorizedKeys.length > 50) throw new OpError('INVALID_INPUT', 'authorizedKeys must be a list of at most 50 keys');
    const keys = s.authorizedKeys.map(v.authorizedKey);
    const account = await managedAccount(env, username);
    sftpEnv(env);
    await ctx.step('login', () => ensureLogin(env, username, login));
    await ctx.step('password', async () => {
      // '*' (not '!') means "no password" without marking the account locked, which would also refuse keys.
      // A suspended SFTP user keeps none, so restoring the account cannot reopen it; the panel sends the hash again.
      await runOk('chpasswd', ['-e'], { input: `${login}:${state === 'active' && hash ? hash : '*'}\n` });
    });
    await ctx.step('authorized keys', async () => {
      await ensureDir(keysDir(env), 0o755);
      if (keys.length && state === 'active') await atomicWrite(keysFile(env, login), `${keys.join('\n')}\n`, 0o644);
      else await rm(keysFile(env, login), { force: true });
    });
    const on = state === 'active' && !(account.state === 'suspended' && account.suspension.sftp);
    await ctx.step('sshd match block', () => applyMatch(env, username, login, { password: on && hash !== null, keys: on && keys.length > 0 }));
    return observeSftp(env, username, login);
  },
};

/** The account's SFTP logins that have a Match block: its own user and '<username>_*'. */
async function logins(env: AgentEnv, username: string): Promise<string[]> {
  const names = await readdir(sftpEnv(env).sshdConfigDir).catch(() => [] as string[]);
  return names.filter((n) => n === `${username}.conf` || (n.startsWith(`${username}_`) && n.endsWith('.conf'))).map((n) => n.slice(0, -5));
}

/** Account-level suspension: every login's Match block keeps its methods off until the account is restored. */
export async function sftpSuspend(env: AgentEnv, username: string, suspended: boolean): Promise<void> {
  for (const login of await logins(env, username)) {
    const hasKeys = (await readIfExists(keysFile(env, login))) !== null;
    const hasPassword = ((await shadow(login))?.hash ?? '*').startsWith('$');
    await setExpired(login, suspended).catch(() => undefined);
    await applyMatch(env, username, login, { password: !suspended && hasPassword, keys: !suspended && hasKeys });
  }
}

async function removeLogin(env: AgentEnv, username: string, login: string): Promise<void> {
  await rm(keysFile(env, login), { force: true });
  await applyMatch(env, username, login, null);
  if (login !== username && (await passwd(login))) await runOk('userdel', ['--force', login]); // --force: the account's PHP workers share the uid
}

/** Every SFTP login of the account (used by account.remove, before the account's own user goes). */
export async function removeSftp(env: AgentEnv, username: string): Promise<void> {
  for (const login of await logins(env, username)) await removeLogin(env, username, login);
}

const remove: Op<{ username: string; sftpUsername?: string }> = {
  name: 'sftp.remove',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    const login = params.sftpUsername === undefined ? username : v.sftpUsername(params.sftpUsername, username);
    await ctx.step('sftp login', () => removeLogin(ctx.env, username, login));
    if (login === username) await ctx.step('password', () => runOk('chpasswd', ['-e'], { input: `${username}:*\n` }).then(() => undefined));
    return observeSftp(ctx.env, username, login);
  },
};

export async function observeSftp(env: AgentEnv, _username: string, login: string): Promise<ObservedResource> {
  const block = env.sftp ? await readIfExists(matchFile(env, login)) : null;
  if (block === null) return { kind: 'sftpUser', id: login, exists: false };
  const open = /PasswordAuthentication yes|PubkeyAuthentication yes/.test(block);
  return { kind: 'sftpUser', id: login, exists: true, state: open ? 'active' : 'suspended' };
}

export async function observeSftpAll(env: AgentEnv, username: string): Promise<ObservedResource[]> {
  return env.sftp ? Promise.all((await logins(env, username)).map((l) => observeSftp(env, username, l))) : [];
}

export const sftpOps = [ensure, remove];
