import { readFile } from 'node:fs/promises';
import { run, runOk } from './exec.ts';
import { OpError } from './types.ts';

/** Linux accounts read straight from /etc/passwd, /etc/shadow and /etc/group (root reads them all). */
export interface PasswdEntry { name: string; uid: number; gid: number; home: string; shell: string }

async function table(file: string): Promise<string[][]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => line.split(':'));
}

export async function passwd(name: string): Promise<PasswdEntry | null> {
  const row = (await table('/etc/passwd')).find((r) => r[0] === name);
  return row ? { name, uid: Number(row[2]), gid: Number(row[3]), home: row[5] ?? '', shell: row[6] ?? '' } : null;
}

export async function groupId(name: string): Promise<number> {
  const row = (await table('/etc/group')).find((r) => r[0] === name);
  if (!row) throw new OpError('REMOTE_ERROR', `Group ${name} does not exist on this server`);
  return Number(row[2]);
}

/** The shadow expire field (days since epoch): '1' means suspended (`usermod --expiredate 1`). */
export async function shadow(name: string): Promise<{ hash: string; expire: string } | null> {
  const row = (await table('/etc/shadow')).find((r) => r[0] === name);
  return row ? { hash: row[1] ?? '', expire: row[7] ?? '' } : null;
}

export const NOLOGIN = '/usr/sbin/nologin';

export async function userAdd(name: string, home: string): Promise<void> {
  await runOk('useradd', ['--home-dir', home, '--no-create-home', '--shell', NOLOGIN, '--user-group', name]);
}

export async function setExpired(name: string, expired: boolean): Promise<void> {
  await runOk('usermod', ['--expiredate', expired ? '1' : '', name]);
}

/** userdel refuses while the user still runs processes (a PHP worker ending): retried for a few seconds. */
export async function userDel(name: string): Promise<void> {
  for (let i = 0; ; i++) {
    const r = await run('userdel', [name]);
    if (r.code === 0 || r.code === 6 /* no such user */) return;
    if (r.code !== 8 || i >= 20) throw new OpError('REMOTE_ERROR', `userdel ${name} failed (exit ${r.code}): ${r.stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
