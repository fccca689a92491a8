import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { CLI, cliEnv, run, tempDataDir } from '../../../core/test/support/cli-process.ts';
// eslint-disable-next-line no-restricted-imports
import { openDatabase, pgliteDir } from '../../../core/src/db/connect.ts';
import { seedDueServices } from './support/seed.ts';

/**
 * `mpanel billing:run` as a user runs it: a child `node bin/mpanel.js` on its own DATA_DIR
 * (embedded PGlite), which loads the plugins, migrates and runs billing's CLI command.
 */
describe('mpanel billing:run (plugin CLI command)', function () {
  this.timeout(180_000);
  const data = tempDataDir();
  const env = cliEnv({ DATA_DIR: data.dir, NODE_ENV: 'development' });
  const mpanel = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
  after(() => data.remove());

  it('on a fresh DATA_DIR: migrates, exits 0 and prints the summary', async () => {
    const res = await mpanel('billing:run', '--date', '2026-12-01');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Billing run for 2026-12-01: 0 tenants\ninvoices created 0, reminders 0, overdue 0, late fees 0, suspended 0, terminated 0, services cancelled 0, orders cancelled 0\n$/);
  });

  it('a bad --date: exit 1 with one clear line', async () => {
    const res = await mpanel('billing:run', '--date', '2026-02-30');
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, 'billing:run: --date must be a calendar date as YYYY-MM-DD, got "2026-02-30"\n');
  });

  it('an unknown --tenant: exit 1 with one line', async () => {
    const res = await mpanel('billing:run', '--tenant', 'nobody');
    assert.equal(res.code, 1);
    assert.equal(res.stderr, 'billing:run: no active tenant with slug "nobody"\n');
  });

  it('bills the due services of a tenant, and a rerun of the date bills nothing more', async () => {
    const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
    try {
      const [tenant] = (await db.knex('tenants').insert({ name: 'Acme', slug: 'acme' }).returning('id')) as Array<{ id: string }>;
      await seedDueServices(db, tenant!.id, 3, '2026-12-05', 5, 2);
    } finally {
      await db.close();
    }
    const first = await mpanel('billing:run', '--date', '2026-12-01', '--tenant', 'acme');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Billing run for 2026-12-01: 1 tenant\ninvoices created 3, /);
    const again = await mpanel('billing:run', '--date', '2026-12-01', '--tenant', 'acme');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /invoices created 0, /);
    const check = await openDatabase({ dataDir: pgliteDir(data.dir) });
    try {
      const rows = (await check.knex('invoices').count({ n: '*' })) as Array<{ n: number }>;
      assert.equal(Number(rows[0]!.n), 3);
    } finally {
      await check.close();
    }
  });

  it('lists plugin commands and refuses an unknown one', async () => {
    const list = await mpanel('plugins:commands');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^billing:run\s+run billing/m);
    const unknown = await mpanel('billing:nope');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "error: unknown command 'billing:nope'\n");
  });
});
