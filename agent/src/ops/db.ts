import { randomBytes } from 'node:crypto';
import type { DesiredResource, ObservedResource } from '@mpanel/sdk';
import type { AgentEnv, Op } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { managedAccount } from './site.ts';
import { account, accountDatabases, grantDb, ident, killConnections, sql, sqlString } from './mariadb.ts';

type DbParams = { username: string; database: Extract<DesiredResource, { kind: 'database' }> };

function names(username: string, name: unknown, user: unknown): { name: string; user: string } {
  return { name: v.dbIdentifier(name, username, 'database name', 64), user: v.dbIdentifier(user, username, 'database user', 80) };
}

async function hasGrant(env: AgentEnv, user: string, name: string): Promise<boolean> {
  const rows = await sql(env, `SHOW GRANTS FOR ${account(user)};`, { allowErrors: [1141] });
  // --batch output escapes backslashes: `a\\_b` stands for the grant on `a\_b`.
  return rows.map((r) => (r[0] ?? '').replace(/\\\\/g, '\\')).some((g) => g.includes(` ON ${grantDb(name)}.*`) || g.includes(` ON ${ident(name)}.*`));
}

const ensure: Op<DbParams> = {
  name: 'db.ensure',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const d = v.object(params.database, 'database') as DbParams['database'];
    if (d.engine !== 'mariadb') throw new OpError('UNSUPPORTED', `Database engine ${String(d.engine)} is not available on this server`);
    const { name, user } = names(username, d.name, d.user);
    const state = v.state(d.state);
    const password = d.password === undefined ? null : v.dbPassword(d.password);
    const maxConnections = d.maxConnections === undefined ? 10 : v.int(d.maxConnections, 'maxConnections', 1, 1000);
    const acct = await managedAccount(env, username);
    await ctx.step('check plan', async () => {
      const existing = await accountDatabases(env, username);
      if (!existing.includes(name) && acct.plan.databases !== null && existing.length >= acct.plan.databases) {
        throw new OpError('CAPACITY', `The plan allows ${acct.plan.databases} database(s); remove one or upgrade`);
      }
    });
    await ctx.step('database and user', () => sql(env, [
      `CREATE DATABASE IF NOT EXISTS ${ident(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
      // A new user gets a random password until one is set: never a password-less login.
      `CREATE USER IF NOT EXISTS ${account(user)} IDENTIFIED BY ${sqlString(randomBytes(24).toString('base64url'))};`,
      // CREATE ... IF NOT EXISTS does not update an existing user's password: ALTER does.
      ...(password ? [`ALTER USER ${account(user)} IDENTIFIED BY ${sqlString(password)};`] : []),
      `ALTER USER ${account(user)} WITH MAX_USER_CONNECTIONS ${maxConnections};`,
      `ALTER USER ${account(user)} ACCOUNT ${acct.state === 'suspended' && acct.suspension.db ? 'LOCK' : 'UNLOCK'};`,
    ].join('\n')));
    if (state === 'active') {
      await ctx.step('grant', () => sql(env, `GRANT ALL PRIVILEGES ON ${grantDb(name)}.* TO ${account(user)};`));
    } else {
      await ctx.step('revoke', async () => {
        if (await hasGrant(env, user, name)) await sql(env, `REVOKE ALL PRIVILEGES ON ${grantDb(name)}.* FROM ${account(user)};`, { allowErrors: [1141] });
        await killConnections(env, [user]);
      });
    }
    return observeDb(env, d.id, name, user);
  },
};

const remove: Op<{ username: string; name: string; user: string }> = {
  name: 'db.remove',
  async run(ctx, params) {
    const username = v.username(params.username, ctx.env.userPrefix);
    const { name, user } = names(username, params.name, params.user);
    await ctx.step('drop', async () => {
      await killConnections(ctx.env, [user]);
      await sql(ctx.env, `DROP DATABASE IF EXISTS ${ident(name)};\nDROP USER IF EXISTS ${account(user)};`);
    });
    return { kind: 'database', id: name, exists: false } satisfies ObservedResource;
  },
};

export async function observeDb(env: AgentEnv, id: string, name: string, user: string): Promise<ObservedResource> {
  const rows = await sql(env, `SELECT (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=${sqlString(name)}), (SELECT COUNT(*) FROM mysql.user WHERE Host='localhost' AND User=${sqlString(user)}), (SELECT COALESCE(SUM(DATA_LENGTH+INDEX_LENGTH),0) FROM information_schema.TABLES WHERE TABLE_SCHEMA=${sqlString(name)});`);
  const [db, u, bytes] = (rows[0] ?? []).map(Number);
  if (!db) return { kind: 'database', id, exists: false, detail: { name, user, userExists: Boolean(u) } };
  const granted = u ? await hasGrant(env, user, name) : false;
  return { kind: 'database', id, exists: true, state: granted ? 'active' : 'suspended', ...(u ? {} : { drift: [`user ${user} is missing`] }), detail: { name, user, sizeBytes: bytes ?? 0 } };
}

export const dbOps = [ensure, remove];
