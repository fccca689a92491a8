import type { ObservedResource, ResourceKind } from '@mpanel/sdk';
import type { Op } from './types.ts';
import { OpError } from './types.ts';
import * as v from './validate.ts';
import { listSites } from './state.ts';
import { observeAccount } from './account.ts';
import { observeSite } from './site.ts';
import { observeDb } from './db.ts';
import { observeCron } from './cron.ts';
import { observeSftpAll } from './sftp.ts';
import { accountDatabases, sql, sqlString } from './mariadb.ts';
import { observeMail } from './mail.ts';

type Ref = { kind: ResourceKind; id: string; name?: string; user?: string };

/** What the server has for an account and its resources (all of them, or the refs asked for). */
const observe: Op<{ username: string; refs?: Ref[] }> = {
  name: 'observe',
  async run(ctx, params) {
    const { env } = ctx;
    const username = v.username(params.username, env.userPrefix);
    const account = await ctx.step('account', () => observeAccount(env, username));
    if (!account.exists) return { account, resources: [] };
    const resources: ObservedResource[] = [];
    const refs = params.refs === undefined ? null : Array.isArray(params.refs) ? params.refs : (() => { throw new OpError('INVALID_INPUT', 'refs must be a list'); })();
    const wants = (kind: ResourceKind) => refs === null || refs.some((r) => r.kind === kind);
    if (wants('site')) {
      await ctx.step('sites', async () => {
        const ids = refs ? refs.filter((r) => r.kind === 'site').map((r) => v.id(r.id, 'site id')) : (await listSites(env, username)).map((s) => s.id);
        for (const id of ids) resources.push(await observeSite(env, id));
      });
    }
    if (wants('database')) {
      await ctx.step('databases', async () => {
        if (refs) {
          for (const r of refs.filter((x) => x.kind === 'database')) {
            resources.push(await observeDb(env, v.id(r.id), v.dbIdentifier(r.name ?? r.id, username, 'database name', 64), v.dbIdentifier(r.user ?? r.name ?? r.id, username, 'database user', 80)));
          }
          return;
        }
        for (const name of await accountDatabases(env, username)) {
          // Without refs the user is found through the grant (or, revoked, by the same name).
          const grantee = await sql(env, `SELECT User FROM mysql.db WHERE Host='localhost' AND REPLACE(Db,CONCAT(CHAR(92),'_'),'_')=${sqlString(name)} LIMIT 1;`);
          resources.push(await observeDb(env, name, name, grantee[0]?.[0] ?? name));
        }
      });
    }
    if (wants('cron')) {
      await ctx.step('cron', async () => {
        const ids = refs?.filter((r) => r.kind === 'cron').map((r) => v.id(r.id, 'cron id'));
        if (ids) for (const id of ids) resources.push(...(await observeCron(username, id)));
        else resources.push(...(await observeCron(username)));
      });
    }
    if (env.mail && (wants('mailDomain') || wants('mailbox') || wants('mailAlias'))) {
      const mail = await ctx.step('mail', () => observeMail(env, username));
      resources.push(...mail.filter((r) => refs === null || refs.some((x) => x.kind === r.kind && x.id === r.id)));
    }
    if (wants('sftpUser') && env.sftp) resources.push(...(await ctx.step('sftp', () => observeSftpAll(env, username))));
    return { account, resources };
  },
};

export const observeOps = [observe];
