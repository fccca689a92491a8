import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** What the hosting server really has, read as root without going through the agent or the panel. */

export async function sh(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const child = exec(cmd, args, { timeout: 20_000 });
    if (input !== undefined) { child.child.stdin?.end(input); }
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

export async function linuxUser(username: string): Promise<{ exists: boolean; uid?: number; expired?: boolean }> {
  const r = await sh('getent', ['passwd', username]);
  if (r.code !== 0) return { exists: false };
  const shadow = (await sh('getent', ['shadow', username])).stdout.split(':');
  // Field 8: account expiry in days since the epoch; suspension sets it to 1 (usermod --expiredate 1).
  const expire = shadow[7] ?? '';
  return { exists: true, uid: Number(r.stdout.split(':')[2]), expired: expire !== '' && Number(expire) * 86_400_000 < Date.now() };
}

/** The pool file of `username` in poolsDir, if any, and its pm.max_children. */
export function fpmPool(poolsDir: string, username: string): { file: string; maxChildren: number | null } | null {
  for (const name of readdirSync(poolsDir)) {
    const text = readFileSync(join(poolsDir, name), 'utf8');
    if (!new RegExp(`^\\[${username}\\]`, 'm').test(text)) continue;
    const m = text.match(/^\s*pm\.max_children\s*=\s*(\d+)/m);
    return { file: name, maxChildren: m ? Number(m[1]) : null };
  }
  return null;
}

/** A GET through the lab nginx with a given Host; status 0 when nginx closed the connection (444). */
export function viaNginx(port: number, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 15_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end();
  });
}

/** Logs in to MariaDB as the account's database user: true when the server lets it in to `db`. */
export async function dbLogin(mariadb: { bin: string; args: string[] }, user: string, password: string, db: string): Promise<boolean> {
  const r = await sh(mariadb.bin, [...mariadb.args, '-u', user, `-p${password}`, '-N', '-e', 'SELECT 1', db]);
  return r.code === 0 && r.stdout.trim() === '1';
}

export async function mariadbRoot(mariadb: { bin: string; args: string[] }, sql: string): Promise<string> {
  const r = await sh(mariadb.bin, [...mariadb.args, '-N', '-e', sql]);
  if (r.code !== 0) throw new Error(`mariadb: ${r.stderr}`);
  return r.stdout;
}

export function docrootOf(homeRoot: string, username: string, docroot: string): string {
  return isAbsolute(docroot) ? docroot : join(homeRoot, username, docroot);
}

/**
 * The page the suite puts in a site: it reports which Unix user PHP runs as and whether it reaches
 * the account's database with the account's credentials (and as which MariaDB user).
 */
export function probePhp(db: { name: string; user: string; password: string }): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `<?php
header('Content-Type: application/json');
$user = function_exists('posix_geteuid') ? posix_getpwuid(posix_geteuid())['name'] : 'unknown';
$db = 'unreached';
try {
  mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
  $m = new mysqli('localhost', ${q(db.user)}, ${q(db.password)}, ${q(db.name)});
  $db = 'ok:' . $m->query('SELECT CURRENT_USER()')->fetch_row()[0];
} catch (Throwable $e) { $db = 'error:' . $e->getMessage(); }
$other = @file_get_contents('/etc/shadow') === false ? 'denied' : 'READ';
echo json_encode(['user' => $user, 'db' => $db, 'shadow' => $other]);
`;
}
