import { rm } from 'node:fs/promises';
import type { HostingPlanLimits, ObservedAccount } from '@mpanel/sdk';
import type { AgentEnv, Op, OpContext } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { deleteAccount, listSites, readAccount, writeAccount, type AccountRecord, type Suspension } from './state.ts';
import { homeOf } from './layout.ts';
import { ensureDir, secureDir } from './files.ts';
import { NOLOGIN, passwd, setExpired, shadow, userAdd, userDel } from './system.ts';
import { applyPool, reloadFpm, renderPool, socketExists, waitForSocket } from './fpm.ts';
import { applySites, removeSite, webSuspended } from './site.ts';
import { accountDatabases, accountDbUsers, ident, killConnections, lockUsers, sql, account as dbAccount } from './mariadb.ts';
import { removeSftp, sftpSuspend } from './sftp.ts';
import { crontabRemove, crontabSuspend } from './cron.ts';
import { applyAccountMail, removeAccountMail } from './mail.ts';
import { mkdir, stat } from 'node:fs/promises';

type EnsureParams = { username: string; state: 'active' | 'suspended'; plan: HostingPlanLimits; suspension?: Partial<Suspension> };

function plan(value: unknown): HostingPlanLimits {
  const p = v.object(value, 'plan') as unknown as HostingPlanLimits;
  const nullable = (x: unknown, what: string) => (x === null || x === undefined ? null : v.int(x, what, 0, 1e9));
  return {
    ...p,
    diskMb: nullable(p.diskMb, 'plan.diskMb'),
    sites: nullable(p.sites, 'plan.sites'),
    databases: nullable(p.databases, 'plan.databases'),
    cronJobs: nullable(p.cronJobs, 'plan.cronJobs'),
    memoryMb: nullable(p.memoryMb, 'plan.memoryMb'),
    phpMaxChildren: v.int(p.phpMaxChildren, 'plan.phpMaxChildren', 1, 500),
    phpVersions: Array.isArray(p.phpVersions) ? p.phpVersions.map(v.phpVersion) : [],
  };
}

/** Home 711 owned by root (a chroot for SFTP must be), web/ tmp/ sessions/ owned by the user. */
async function ensureHome(env: AgentEnv, username: string): Promise<{ uid: number; home: string }> {
  const user = await passwd(username);
  if (!user) throw new OpError('REMOTE_ERROR', `useradd did not create ${username}`);
  const home = homeOf(env, username);
  await ensureDir(env.homeRoot, 0o755);
  await mkdir(home, { mode: 0o711 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
  await secureDir(home, 0o711, 0, 0);
  for (const [dir, mode] of [['web', 0o711], ['tmp', 0o700], ['sessions', 0o700]] as const) {
    await mkdir(`${home}/${dir}`, { mode }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
    await secureDir(`${home}/${dir}`, mode, user.uid, user.gid);
  }
  return { uid: user.uid, home };
}

const ensure: Op<EnsureParams> = {
  name: 'account.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const state = v.state(params.state);
    const s = params.suspension === undefined ? {} : v.object(params.suspension, 'suspension');
    const suspension: Suspension = { web: s.web !== false, sftp: s.sftp !== false, db: s.db !== false, cron: s.cron !== false };
    const desiredPlan = plan(params.plan);
    const previous = await readAccount(env, username);
    const record: AccountRecord = { username, state, plan: desiredPlan, suspension, createdAt: previous?.createdAt ?? env.now().toISOString() };

    await ctx.step('linux user', async () => {
      const existing = await passwd(username);
      // Never adopt a user the agent did not create (a system account, another tool's user).
      if (existing && !previous) throw new OpError('CONFLICT', `Linux user ${username} exists and is not managed by mpanel-agent; pick another username`);
      if (existing && existing.uid < 1000) throw new OpError('CONFLICT', `Linux user ${username} is a system account (uid ${existing.uid})`);
      if (existing && existing.shell !== NOLOGIN) throw new OpError('CONFLICT', `Linux user ${username} has shell ${existing.shell}, expected ${NOLOGIN}`);
      // The record comes first: an agent killed right after useradd must find the user its own on the retry.
      await writeAccount(env, record);
      if (!existing) await userAdd(username, homeOf(env, username));
    });
    await ctx.step('home layout', () => ensureHome(env, username));
    const loginBlocked = state === 'suspended' && suspension.sftp;
    await ctx.step(loginBlocked ? 'expire login' : 'restore login', async () => {
      const current = await shadow(username);
      if ((current?.expire === '1') !== loginBlocked) await setExpired(username, loginBlocked);
    });
    const sites = await listSites(env, username);
    const poolContent = webSuspended(record) ? null : renderPool(env, record, homeOf(env, username));
    try {
      // Suspend: 503 first, then the pool goes (no 502 window). Unsuspend: pool first, then the sites.
      if (poolContent === null) {
        await ctx.step('vhosts', () => applySites(env, sites, record));
        await ctx.step('php-fpm pool', () => applyPool(env, username, null));
      } else {
        await ctx.step('php-fpm pool', async () => {
          const changed = await applyPool(env, username, poolContent);
          // Unchanged but no socket: an agent killed between writing the pool and reloading left it unloaded.
          if (!changed && !(await socketExists(env, username))) await reloadFpm(env);
          await waitForSocket(env, username);
        });
        await ctx.step('vhosts', () => applySites(env, sites, record));
      }
    } catch (error) {
      // The failed config was rolled back; the record must keep describing what is live.
      if (previous) await writeAccount(env, previous);
      throw error;
    }
    await ctx.step(state === 'suspended' && suspension.db ? 'lock database users' : 'unlock database users', () => lockUsers(env, username, state === 'suspended' && suspension.db));
    await ctx.step(state === 'suspended' && suspension.cron ? 'suspend cron' : 'restore cron', () => crontabSuspend(env, username, state === 'suspended' && suspension.cron));
    if (env.sftp) await ctx.step('sftp', () => sftpSuspend(env, username, state === 'suspended' && suspension.sftp));
    if (env.mail) await ctx.step(state === 'suspended' ? 'suspend mail' : 'restore mail', () => applyAccountMail(ctx, username));
    return observeAccount(env, username);
  },
};

export async function observeAccount(env: AgentEnv, username: string): Promise<ObservedAccount & { uid?: number; home?: string }> {
  const [user, record, sh, web] = await Promise.all([passwd(username), readAccount(env, username), shadow(username), stat(`${homeOf(env, username)}/web`).catch(() => null)]);
  // No home layout yet: an account.ensure cut short after useradd (agent killed). Not an account
  // yet, so a retry runs the ensure again (it adopts its own user) instead of building sites on nothing.
  if (!user || !record || !web?.isDirectory()) return { exists: false, username };
  const status = sh?.expire === '1' || record.state === 'suspended' ? 'suspended' : 'active';
  return { exists: true, status, username, uid: user.uid, home: homeOf(env, username), remote: { uid: user.uid, home: homeOf(env, username), plan: record.plan, suspension: record.suspension, loginExpired: sh?.expire === '1', sites: (await listSites(env, username)).map((s) => s.domain) } };
}

const observe: Op<{ username: string }> = {
  name: 'account.observe',
  run: (ctx, params) => observeAccount(ctx.env, v.username(params.username, ctx.env.userPrefix)),
};

/** Removes every trace: sites, pool, databases and their users, crontab, SFTP config, home, Linux user. */
async function removeAccount(ctx: OpContext, username: string): Promise<void> {
  const { env } = ctx;
  const record = await readAccount(env, username);
  const user = await passwd(username);
  if (user && !record) throw new OpError('CONFLICT', `Linux user ${username} is not managed by mpanel-agent; refusing to remove it`);
  for (const site of await listSites(env, username)) await removeSite(ctx, site);
  await ctx.step('php-fpm pool', () => applyPool(env, username, null));
  await ctx.step('databases', async () => {
    const users = await accountDbUsers(env, username);
    await killConnections(env, users);
    const dbs = await accountDatabases(env, username);
    const statements = [...dbs.map((d) => `DROP DATABASE IF EXISTS ${ident(d)};`), ...users.map((u) => `DROP USER IF EXISTS ${dbAccount(u)};`)];
    if (statements.length) await sql(env, statements.join('\n'));
  });
  if (user) await ctx.step('crontab', () => crontabRemove(username));
  if (env.sftp) await ctx.step('sftp', () => removeSftp(env, username));
  if (env.mail) await removeAccountMail(ctx, username);
  await ctx.step('home', () => rm(homeOf(env, username), { recursive: true, force: true }));
  if (user) await ctx.step('linux user', () => userDel(username));
  await deleteAccount(env, username);
}

const remove: Op<{ username: string }> = {
  name: 'account.remove',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    await removeAccount(ctx, username);
    return observeAccount(ctx.env, username);
  },
};

export const accountOps = [ensure, remove, observe];
