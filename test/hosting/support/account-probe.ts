import { chownSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './panel.ts';
import type { Hosting } from './suite.ts';
import type { AccountView } from './fixtures.ts';
import { docrootOf, linuxUser, probePhp, viaNginx } from './server-state.ts';

export interface SiteRow { id: string; domain: string; docroot: string; state: string }
export interface DbRow { id: string; name: string; db_user: string; state: string }

export async function sitesOf(h: Hosting, accountId: string): Promise<SiteRow[]> {
  return h.panel.knex('websites').where({ account_id: accountId }).whereNot('state', 'removed').select('id', 'domain', 'docroot', 'state') as Promise<SiteRow[]>;
}

export async function databasesOf(h: Hosting, accountId: string): Promise<DbRow[]> {
  return h.panel.knex('hosting_databases').where({ account_id: accountId }).whereNot('state', 'removed').select('id', 'name', 'db_user', 'state') as Promise<DbRow[]>;
}

/**
 * The database's password, the way a customer gets it: shown once when staff (or the portal) reset
 * it. The reset is itself an operation on the server, so the new password works only once applied.
 */
export async function resetDbPassword(h: Hosting, db: DbRow): Promise<string> {
  const res = await h.panel.ok<{ password: string }>('POST', `/api/v1/databases/${db.id}/reset-password`);
  return res.password;
}

/**
 * Puts the probe page in the site's document root (owned by the account's user, as an upload over
 * SFTP would be) and fetches it through the lab nginx with the site's Host.
 */
export async function probeSite(h: Hosting, account: AccountView, site: SiteRow, db: { name: string; user: string; password: string }): Promise<{ user: string; db: string; shadow: string }> {
  const dir = docrootOf(h.lab.env.homeRoot, account.username, site.docroot);
  const file = join(dir, 'index.php');
  writeFileSync(file, probePhp(db), { mode: 0o640 });
  const owner = await linuxUser(account.username);
  chownSync(file, owner.uid!, statSync(dir).gid); // the docroot's group (www-data) lets nginx see it
  const answer = await eventually(`${site.domain} answering 200 through nginx`, async () => {
    const r = await viaNginx(h.lab.nginxPort, site.domain, '/index.php');
    return r.status === 200 ? r : null;
  }, 30_000);
  return JSON.parse(answer.body) as { user: string; db: string; shadow: string };
}
