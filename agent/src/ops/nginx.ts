import { request } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import type { AgentEnv } from './types.ts';
import { OpError } from './types.ts';
import { run } from './exec.ts';
import { applyAndReload, applyConfig, type FileChange } from './config-txn.ts';
import { coalescer, reloadCount } from './reload.ts';
import { withLock } from './lock.ts';

const args = (env: AgentEnv) => ['-p', env.nginx.prefix.endsWith('/') ? env.nginx.prefix : `${env.nginx.prefix}/`, '-c', env.nginx.confFile];
const lockKey = (env: AgentEnv) => `nginx:${env.nginx.confFile}`;

/** `nginx -t` on the full config; null when it passes, nginx's own message otherwise. */
async function test(env: AgentEnv): Promise<string | null> {
  const r = await run(env.nginx.bin, [...args(env), '-t', '-q']);
  return r.code === 0 ? null : `nginx -t rejected the configuration (rolled back, the running sites are unchanged): ${r.stderr.trim().slice(0, 1500)}`;
}

/** Writes vhost files, validates, rolls back on failure, then reloads (coalesced: ≤ 1 per second). */
export async function applyVhosts(env: AgentEnv, changes: FileChange[]): Promise<boolean> {
  return applyAndReload(() => applyConfig(lockKey(env), changes, () => test(env)), () => reloadNginx(env));
}

export const nginxReloads = (env: AgentEnv) => reloadCount(lockKey(env));

export function reloadNginx(env: AgentEnv): Promise<void> {
  return coalescer(lockKey(env), (begin) => withLock(lockKey(env), async () => {
    begin();
    const custom = env.nginx.reload();
    if (custom) return custom;
    const master = await masterPid(env.nginx.confFile);
    const before = master ? await children(master) : new Set<number>();
    const r = await run(env.nginx.bin, [...args(env), '-s', 'reload']);
    if (r.code !== 0) throw new OpError('REMOTE_UNAVAILABLE', `nginx reload failed (is nginx running?): ${r.stderr.trim().slice(0, 500)}`);
    if (master) await newWorkers(master, before);
  })).request();
}

/** The master started with this config file ("nginx: master process … -c <confFile>" in its title). */
async function masterPid(confFile: string): Promise<number | null> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith('nginx: master process') && cmd.includes(` ${confFile}`)) return Number(entry);
  }
  return null;
}

async function retired(pid: number): Promise<boolean> {
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd === '' || cmd.includes('shutting down');
}

async function children(pid: number): Promise<Set<number>> {
  const out = new Set<number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.add(Number(entry));
  }
  return out;
}

/**
 * `nginx -s reload` only signals the master. New workers appear once it has loaded the new config,
 * so waiting for them makes "ok" mean "live"; none after 5 s means the master refused the config.
 */
async function newWorkers(master: number, before: Set<number>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const now = await children(master);
    // New workers exist and every old one has stopped accepting (gone, or "worker process is shutting down").
    if ([...now].some((pid) => !before.has(pid)) && (await Promise.all([...before].map(retired))).every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new OpError('REMOTE_ERROR', 'nginx did not start workers with the new configuration within 5 s; see its error log', { retryable: true });
}

export async function nginxVersion(env: AgentEnv): Promise<string | null> {
  const r = await run(env.nginx.bin, ['-v']);
  return /nginx\/(\S+)/.exec(r.stderr)?.[1] ?? null;
}

/** host:port to probe from `listen` ('127.0.0.1:8080', '8080', '*:80', '[::]:80'). */
function target(listen: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:\s]+):)?(\d+)/.exec(listen.trim());
  const host = !m?.[1] || m[1] === '*' || m[1] === '0.0.0.0' ? '127.0.0.1' : m[1] === '[::]' ? '::1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port: Number(m?.[2] ?? 80) };
}

/** Status nginx answers for Host on the plain listener; null when it closes the connection (444). */
export function probe(env: AgentEnv, host: string, path = '/'): Promise<number | null> {
  const t = target(env.nginx.listen);
  return new Promise((resolve) => {
    const req = request({ host: t.host, port: t.port, path, headers: { host }, timeout: 3000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Waits until the reloaded workers answer as expected (`nginx -s reload` only signals the master),
 * so an op that returns ok is really live. Gives up quietly after ~3 s: the op still reports it.
 */
export async function verify(env: AgentEnv, host: string, ok: (status: number | null) => boolean): Promise<string> {
  let status: number | null = null;
  for (let i = 0; i < 30; i++) {
    status = await probe(env, host);
    if (ok(status)) return `answers ${status ?? 'no response (444)'}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new OpError('REMOTE_ERROR', `nginx still answers ${status ?? 'nothing'} for ${host} after the reload; see ${env.nginx.prefix} logs`, { retryable: true });
}

export async function readVhost(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}
