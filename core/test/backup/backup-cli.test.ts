import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase, pgliteDir } from '../../src/db/connect.ts';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { loadConfig, ConfigError } from '../../src/config/config.ts';
import { CLI, cliEnv, run, tempDataDir } from '../support/cli-process.ts';

/** The operator's commands on an embedded database: `mpanel backup`, `mpanel restore`, refused while a server holds it. */
describe('mpanel backup / restore (embedded database)', function () {
  this.timeout(180_000);
  const data = tempDataDir();
  const env = cliEnv({ DATA_DIR: data.dir, BACKUP_DIR: join(data.dir, 'backups') });
  after(() => data.remove());

  const mpanel = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
  const tenantSlugs = async () => {
    const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
    try {
      return ((await db.knex('notes').orderBy('slug').pluck('slug')) as string[]).join(',');
    } finally {
      await db.close();
    }
  };

  it('backs up, and restores the rows as they were, but not while the database is in use', async () => {
    // Backups copy whatever the database holds: a table of our own is enough (no migrations to wait for).
    const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
    await db.knex.schema.createTable('notes', (t) => t.text('slug'));
    await db.knex('notes').insert({ slug: 'before-backup' });
    await db.close();

    const made = await mpanel('backup');
    assert.equal(made.code, 0, made.stderr);
    const name = /: (mpanel-pglite-\S+\.tar\.gz) /.exec(made.stdout)?.[1];
    assert.ok(name, made.stdout);

    const after = await openDatabase({ dataDir: pgliteDir(data.dir) });
    await after.knex('notes').insert({ slug: 'after-backup' });
    await after.close();

    const unlock = lockDataDir(pgliteDir(data.dir)); // as a running server holds it
    try {
      const refused = await mpanel('restore', name);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /in use by another mPanel process/);
      assert.doesNotMatch(refused.stderr, /\n\s+at /, 'one line, no stack trace');
    } finally {
      unlock();
    }
    assert.match(await tenantSlugs(), /after-backup/, 'the refused restore changed nothing');

    const restored = await mpanel('restore', name);
    assert.equal(restored.code, 0, restored.stderr);
    const slugs = await tenantSlugs();
    assert.match(slugs, /before-backup/);
    assert.doesNotMatch(slugs, /after-backup/, 'the rows are those of the backup');
  });

  it('rejects bad BACKUP_* settings by name', () => {
    const bad: Array<[string, string]> = [['BACKUP_KEEP', '0'], ['BACKUP_KEEP', '2.5'], ['BACKUP_SCHEDULE', 'every day'], ['BACKUP_S3_PREFIX', 'no-slash'], ['BACKUP_S3_ENDPOINT', 'ftp://x']];
    for (const [key, value] of bad) {
      assert.throws(() => loadConfig({ NODE_ENV: 'test', [key]: value }), (err: Error) => err instanceof ConfigError && err.message.includes(key), `${key}=${value}`);
    }
    const ok = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/srv/mpanel', BACKUP_KEEP: '3', BACKUP_SCHEDULE: '0 3 * * *', BACKUP_S3_BUCKET: 'b', BACKUP_S3_PREFIX: 'panel/' }).backup;
    assert.deepEqual(ok, { dir: '/srv/mpanel/backups', s3: { bucket: 'b', prefix: 'panel/', endpoint: undefined, region: undefined }, keep: 3, schedule: '0 3 * * *' });
  });
});
