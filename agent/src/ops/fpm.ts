import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentEnv } from './types.ts';
import { OpError } from './types.ts';
import { run } from './exec.ts';
import { applyAndReload, applyConfig } from './config-txn.ts';
import { coalescer } from './reload.ts';
import { withLock } from './lock.ts';
import type { AccountRecord } from './state.ts';

const lockKey = (env: AgentEnv) => `fpm:${env.fpm.confFile}`;
export const poolFile = (env: AgentEnv, username: string) => join(env.fpm.poolsDir, `${username}.conf`);
export const poolSocket = (env: AgentEnv, username: string) => join(env.fpm.runDir, `${username}.sock`);

/** Functions that start processes or reach outside the account's files. */
const DISABLED = ['exec', 'passthru', 'shell_exec', 'system', 'proc_open', 'popen', 'pcntl_exec', 'pcntl_fork', 'pcntl_signal', 'posix_kill', 'posix_setuid', 'posix_setgid', 'posix_mkfifo', 'dl', 'putenv', 'mail', 'link', 'symlink'];

export function renderPool(env: AgentEnv, account: AccountRecord, home: string): string {
  const u = account.username;
  const lines = [
    '; managed by mpanel-agent: changes here are overwritten',
    `[${u}]`,
    `user = ${u}`,
    `group = ${u}`,
    `listen = ${poolSocket(env, u)}`,
    'listen.owner = www-data',
    'listen.group = www-data',
    'listen.mode = 0660',
    'pm = ondemand',
    `pm.max_children = ${account.plan.phpMaxChildren}`,
    'pm.process_idle_timeout = 10s',
    'pm.max_requests = 500',
    'chdir = /',
    'security.limit_extensions = .php',
    `env[TMPDIR] = ${home}/tmp`,
    `php_admin_value[open_basedir] = ${home}/web/:${home}/tmp/:${home}/sessions/`,
    `php_admin_value[upload_tmp_dir] = ${home}/tmp`,
    `php_admin_value[sys_temp_dir] = ${home}/tmp`,
    `php_admin_value[session.save_path] = ${home}/sessions`,
    `php_admin_value[disable_functions] = ${DISABLED.join(',')}`,
    'php_admin_flag[allow_url_include] = off',
    'php_admin_flag[expose_php] = off',
  ];
  if (account.plan.memoryMb) lines.push(`php_admin_value[memory_limit] = ${Math.max(16, Math.floor(account.plan.memoryMb / Math.max(1, account.plan.phpMaxChildren)))}M`);
  return `${lines.join('\n')}\n`;
}

async function test(env: AgentEnv): Promise<string | null> {
  const r = await run(env.fpm.bin, ['-t', '-y', env.fpm.confFile]);
  return r.code === 0 ? null : `php-fpm -t rejected the pools (rolled back, the running pools are unchanged): ${(r.stderr + r.stdout).trim().slice(0, 1500)}`;
}

async function masterPid(env: AgentEnv): Promise<number> {
  const pid = Number((await readFile(env.fpm.pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new OpError('REMOTE_UNAVAILABLE', `php-fpm is not running (no pid in ${env.fpm.pidFile})`);
  try {
    process.kill(pid, 0);
  } catch {
    throw new OpError('REMOTE_UNAVAILABLE', `php-fpm is not running (pid ${pid} from ${env.fpm.pidFile} is gone)`);
  }
  return pid;
}

/** Writes (or removes) one pool, validates with `php-fpm -t`, rolls back on failure, reloads with USR2 (coalesced). */
export async function applyPool(env: AgentEnv, username: string, content: string | null): Promise<boolean> {
  return applyAndReload(() => applyConfig(lockKey(env), [{ path: poolFile(env, username), content }], () => test(env)), () => reloadFpm(env));
}

export function reloadFpm(env: AgentEnv): Promise<void> {
  return coalescer(lockKey(env), (begin) => withLock(lockKey(env), async () => {
    begin();
    process.kill(await masterPid(env), 'SIGUSR2');
    // USR2 re-executes the master with the same pid; wait until it is back and still alive.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await masterPid(env);
  })).request();
}

export const socketExists = (env: AgentEnv, username: string) => access(poolSocket(env, username)).then(() => true, () => false);

/** Waits for the pool's socket after a reload: the vhost's fastcgi_pass needs it. */
export async function waitForSocket(env: AgentEnv, username: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await access(poolSocket(env, username));
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new OpError('REMOTE_ERROR', `php-fpm did not open ${poolSocket(env, username)} after the reload; see the php-fpm log`, { retryable: true });
}

const versions = new Map<string, Promise<string | null>>();
/** The PHP version of the pool master's binary (asked once per binary: it does not change under a running agent). */
export function fpmVersion(env: AgentEnv): Promise<string | null> {
  let v = versions.get(env.fpm.bin);
  if (!v) {
    v = run(env.fpm.bin, ['-v']).then((r) => /PHP (\d+\.\d+)(\.\d+)?/.exec(r.stdout)?.[1] ?? null);
    versions.set(env.fpm.bin, v);
  }
  return v;
}
