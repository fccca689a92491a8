import type { AgentEnv } from './types.ts';
import { OpError } from './types.ts';
import { run } from './exec.ts';

/** Client errors that mean "the server is not there" (retry later), not "the statement is wrong". */
const UNAVAILABLE = /ERROR (2002|2003|2005|2006|2013)\b/;

/**
 * Runs SQL through the `mariadb` CLI as root. The SQL goes through stdin, never argv, so passwords
 * never show in the process list. Every identifier in it was validated by the caller
 * (validate.dbIdentifier: [a-z0-9_] only) and every string literal quoted with sqlString().
 */
export async function sql(env: AgentEnv, statements: string, opts: { allowErrors?: number[] } = {}): Promise<string[][]> {
  const r = await run(env.mariadb.bin, [...env.mariadb.args, '--batch', '--skip-column-names', '--connect-timeout=5'], { input: statements, timeoutMs: 60_000 });
  if (r.code !== 0) {
    const message = r.stderr.trim();
    if (UNAVAILABLE.test(message)) throw new OpError('REMOTE_UNAVAILABLE', `MariaDB is unreachable: ${message.slice(0, 300)}`, { retryable: true });
    const code = Number(/ERROR (\d+)/.exec(message)?.[1]);
    if (opts.allowErrors?.includes(code)) return [];
    throw new OpError('REMOTE_ERROR', `MariaDB refused: ${message.slice(0, 500)}`, { retryable: false });
  }
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** A string literal safe in every sql_mode: the value has no backslash (validated), quotes are doubled. */
export function sqlString(value: string): string {
  if (/[\\\0\n\r]/.test(value)) throw new OpError('INVALID_INPUT', 'SQL string contains a forbidden character');
  return `'${value.replace(/'/g, "''")}'`;
}

/** `name` in a GRANT is a pattern where _ and % are wildcards: escaped so a grant covers exactly one database. */
export const grantDb = (name: string) => `\`${name.replace(/_/g, '\\_')}\``;
export const ident = (name: string) => `\`${name}\``;
export const account = (user: string) => `${sqlString(user)}@'localhost'`;
/** LIKE pattern for everything an account owns ('<user>_…'), with an escape character that works in every sql_mode. */
export const ownedLike = (username: string) => `LIKE ${sqlString(`${username}|_%`)} ESCAPE '|'`;

export async function accountDbUsers(env: AgentEnv, username: string): Promise<string[]> {
  return (await sql(env, `SELECT User FROM mysql.user WHERE Host='localhost' AND User ${ownedLike(username)};`)).map((r) => r[0] ?? '');
}

export async function accountDatabases(env: AgentEnv, username: string): Promise<string[]> {
  return (await sql(env, `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME ${ownedLike(username)};`)).map((r) => r[0] ?? '');
}

/** Ends a user's open connections: a revoke or lock only affects new ones. */
export async function killConnections(env: AgentEnv, users: string[]): Promise<void> {
  if (users.length === 0) return;
  const ids = await sql(env, `SELECT ID FROM information_schema.PROCESSLIST WHERE USER IN (${users.map(sqlString).join(',')});`);
  if (ids.length) await sql(env, ids.map((r) => `KILL CONNECTION ${Number(r[0])};`).join('\n'), { allowErrors: [1094] });
}

/** Account-level suspension: locked users cannot log in; their grants stay, so unlocking restores exactly what was there. */
export async function lockUsers(env: AgentEnv, username: string, locked: boolean): Promise<number> {
  const users = await accountDbUsers(env, username);
  if (users.length === 0) return 0;
  await sql(env, users.map((u) => `ALTER USER ${account(u)} ACCOUNT ${locked ? 'LOCK' : 'UNLOCK'};`).join('\n'));
  if (locked) await killConnections(env, users);
  return users.length;
}

export async function mariadbVersion(env: AgentEnv): Promise<string | null> {
  try {
    return (await sql(env, 'SELECT VERSION();'))[0]?.[0] ?? null;
  } catch {
    return null;
  }
}
