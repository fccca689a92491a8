import { readFile, rm } from 'node:fs/promises';
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
import { shadow } from './system.ts';

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
function renderMatch(env: AgentEnv, u: string, opts: { password: boolean; keys: boolean }): string {
  return [
    `# managed by mpanel-agent: SFTP for ${u}; changes here are overwritten`,
    `Match User ${u}`,
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

async function applyMatch(env: AgentEnv, u: string, content: string | null): Promise<void> {
  await ensureDir(sftpEnv(env).sshdConfigDir, 0o755);
  await applyAndReload(() => applyConfig(`sshd:${sftpEnv(env).sshdConfigDir}`, [{ path: matchFile(env, u), content }], () => validateSshd(env)), () => reloadSshd(env));
}

const ensure: Op<SftpParams> = {
  name: 'sftp.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const s = v.object(params.sftp, 'sftp') as SftpParams['sftp'];
    if (s.username !== username) throw new OpError('UNSUPPORTED', 'Only the account\'s own SFTP user is supported (sftp.username must equal the account username)');
    const state = v.state(s.state);
    const hash = s.passwordHash === undefined || s.passwordHash === null ? null : v.passwordHash(s.passwordHash);
    if (!Array.isArray(s.authorizedKeys) || s.authorizedKeys.length > 50) throw new OpError('INVALID_INPUT', 'authorizedKeys must be a list of at most 50 keys');
    const keys = s.authorizedKeys.map(v.authorizedKey);
    const account = await managedAccount(env, username);
    sftpEnv(env);
    await ctx.step('password', async () => {
      // '*' (not '!') means "no password" without marking the account locked, which would also refuse keys.
      // A suspended SFTP user keeps none, so restoring the account cannot reopen it; the panel sends the hash again.
      await runOk('chpasswd', ['-e'], { input: `${username}:${state === 'active' && hash ? hash : '*'}\n` });
    });
    await ctx.step('authorized keys', async () => {
      await ensureDir(keysDir(env), 0o755);
      if (keys.length && state === 'active') await atomicWrite(keysFile(env, username), `${keys.join('\n')}\n`, 0o644);
      else await rm(keysFile(env, username), { force: true });
    });
    const on = state === 'active' && !(account.state === 'suspended' && account.suspension.sftp);
    await ctx.step('sshd match block', () => applyMatch(env, username, renderMatch(env, username, { password: on && hash !== null, keys: on && keys.length > 0 })));
    return observeSftp(env, username);
  },
};

/** Account-level suspension: the Match block keeps its methods off until the account is restored. */
export async function sftpSuspend(env: AgentEnv, username: string, suspended: boolean): Promise<void> {
  const current = await readIfExists(matchFile(env, username));
  if (current === null) return;
  const hasKeys = (await readIfExists(keysFile(env, username))) !== null;
  const hasPassword = ((await shadow(username))?.hash ?? '*').startsWith('$');
  await applyMatch(env, username, renderMatch(env, username, { password: !suspended && hasPassword, keys: !suspended && hasKeys }));
}

export async function removeSftp(env: AgentEnv, username: string): Promise<void> {
  await rm(keysFile(env, username), { force: true });
  await applyMatch(env, username, null);
}

const remove: Op<{ username: string }> = {
  name: 'sftp.remove',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    await ctx.step('sshd match block', () => removeSftp(ctx.env, username));
    await ctx.step('password', () => runOk('chpasswd', ['-e'], { input: `${username}:*\n` }).then(() => undefined));
    return observeSftp(ctx.env, username);
  },
};

export async function observeSftp(env: AgentEnv, username: string): Promise<ObservedResource> {
  const block = env.sftp ? await readIfExists(matchFile(env, username)) : null;
  if (block === null) return { kind: 'sftpUser', id: username, exists: false };
  const open = /PasswordAuthentication yes|PubkeyAuthentication yes/.test(block);
  return { kind: 'sftpUser', id: username, exists: true, state: open ? 'active' : 'suspended' };
}

export const sftpOps = [ensure, remove];
