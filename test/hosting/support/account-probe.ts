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
 * The account's database and its password, the way a customer gets them: shown once, when the
 * database is created or its password reset (both are operations on the server). When the create
 * flow made a database, its password is reset; otherwise the client creates one.
 */
export async function databaseWithPassword(h: Hosting, accountId: string): Promise<{ row: DbRow; password: string; created: boolean }> {
  const existing = (await databasesOf(h, accountId))[0];
  if (existing) {
    const reset = await h.panel.ok<{ password: string }>('POST', `/api/v1/hosting-accounts/${accountId}/databases/${existing.id}/reset-password`);
    return { row: existing, password: reset.password, created: false };
  }
  const made = await h.panel.ok<{ id: string; password: string }>('POST', `/api/v1/hosting-accounts/${accountId}/databases`, { name: 'shop' });
  const row = (await databasesOf(h, accountId)).find((d) => d.id === made.id)!;
  return { row, password: made.password, created: true };
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
