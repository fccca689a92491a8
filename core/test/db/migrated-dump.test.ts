import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connect.ts';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { dumpFile, openEmbedded, writeDump } from '../../src/db/migrated-dump.ts';
import { migrateUp, type MigrationSet } from '../../src/db/migrator.ts';

/**
 * A new embedded data directory starts from a dump of an already-migrated one (no initdb, no
 * migrations), kept in a cache keyed by the migration files. These prove the cache is never
 * wrong: a changed migration set is not served the old dump, a broken dump falls back to initdb,
 * and only one of two concurrent first starts writes the file.
 */
describe('embedded start from the migrated dump (migrated-dump.ts)', function () {
  this.timeout(180_000);
  let root: string;
  let cacheDir: string;
  let migrations: string;
  let sets: MigrationSet[];
  let n = 0;
  const newDir = () => join(root, `data-${n++}`);
  const warnings: string[] = [];
  const warn = (m: string) => void warnings.push(m);

  const migration = (name: string, table: string) =>
    writeFileSync(join(migrations, `${name}.mjs`), `export const up = (k) => k.raw('create table ${table} (id int primary key)');\nexport const down = (k) => k.raw('drop table ${table}');\n`);

  /** What a server does: open, migrate, remember; answers the origin and what was applied. */
  async function start(dataDir: string) {
    const opened = await openEmbedded({ dataDir, sets: async () => sets, cacheDir, warn });
    try {
      const applied = await migrateUp(opened.db.knex, sets);
      const wrote = await opened.remember(sets);
      const tables = (await opened.db.knex.raw(`select tablename from pg_tables where tablename like 'dump_%' order by 1`)).rows.map((r: { tablename: string }) => r.tablename);
      return { origin: opened.origin, applied, wrote, tables };
    } finally {
      await opened.db.close();
    }
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mpanel-dump-'));
    cacheDir = join(root, 'cache');
    migrations = join(root, 'migrations');
    mkdirSync(migrations);
    // migrateUp ends by revoking the app role's writes on platform tables: the role must exist.
    writeFileSync(join(migrations, '20260100000000_role.mjs'), `export const up = (k) => k.raw("do $$ begin if not exists (select from pg_roles where rolname = 'mpanel_app') then create role mpanel_app; end if; end $$");\nexport const down = async () => {};\n`);
    migration('20260101000000_first', 'dump_first');
    sets = [{ owner: 'test', tableName: 'knex_migrations', directory: migrations }];
    warnings.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('the first start runs initdb and stores its migrated directory; the next new directory loads it with nothing pending', async () => {
    const first = await start(newDir());
    assert.deepEqual(first, { origin: 'initdb', applied: ['test:20260100000000_role', 'test:20260101000000_first'], wrote: true, tables: ['dump_first'] });
    assert.ok(existsSync(dumpFile(cacheDir, sets)));

    const second = await start(newDir());
    assert.deepEqual(second, { origin: 'dump', applied: [], wrote: false, tables: ['dump_first'] });

    // A restart of an existing directory opens it as it is (its own data, not the dump).
    const dir = newDir();
    await start(dir);
    const db = await openDatabase({ dataDir: dir });
    await db.knex.raw('insert into dump_first values (7)');
    await db.close();
    const opened = await openEmbedded({ dataDir: dir, sets: async () => sets, cacheDir, warn });
    try {
      assert.equal(opened.origin, 'existing');
      assert.deepEqual((await opened.db.knex.raw('select id from dump_first')).rows, [{ id: 7 }]);
    } finally {
      await opened.db.close();
    }
    assert.deepEqual(warnings, []);
  });

  it('a changed migration set is not served the old dump: the start migrates from scratch and stores a dump under the new key', async () => {
    await start(newDir());
    const oldFile = dumpFile(cacheDir, sets);
    migration('20260102000000_second', 'dump_second');
    assert.notEqual(dumpFile(cacheDir, sets), oldFile, 'a new migration file is a new key');

    const after = await start(newDir());
    assert.deepEqual(after, { origin: 'initdb', applied: ['test:20260100000000_role', 'test:20260101000000_first', 'test:20260102000000_second'], wrote: true, tables: ['dump_first', 'dump_second'] });
    assert.deepEqual((await start(newDir())).tables, ['dump_first', 'dump_second']);
    assert.equal((await start(newDir())).origin, 'dump');
  });

  it('a corrupt dump is deleted and the start falls back to initdb, migrates and works', async () => {
    const file = dumpFile(cacheDir, sets);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
    const dir = newDir();
    const result = await start(dir);
    assert.equal(result.origin, 'initdb');
    assert.deepEqual(result.applied, ['test:20260100000000_role', 'test:20260101000000_first']);
    assert.deepEqual(result.tables, ['dump_first']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /could not be loaded.*creating the database from scratch/);
    // Rewritten by this start, from its good directory: the next one loads it.
    assert.equal(result.wrote, true);
    assert.equal((await start(newDir())).origin, 'dump');
    // And the fallback's directory is a sound database on restart.
    assert.equal((await start(dir)).origin, 'existing');
  });

  it('two first starts at once: only one writes the dump, the other leaves it (data-dir lock on the file)', async () => {
    const a = await openEmbedded({ dataDir: newDir(), sets: async () => sets, cacheDir, warn });
    const b = await openEmbedded({ dataDir: newDir(), sets: async () => sets, cacheDir, warn });
    try {
      assert.equal(a.origin, 'initdb');
      assert.equal(b.origin, 'initdb');
      await migrateUp(a.db.knex, sets);
      await migrateUp(b.db.knex, sets);
      const wrote = await Promise.all([a.remember(sets), b.remember(sets)]);
      assert.deepEqual(wrote.sort(), [false, true]);
    } finally {
      await a.db.close();
      await b.db.close();
    }
    assert.deepEqual(readdirSync(cacheDir), [dumpFile(cacheDir, sets).split('/').pop()], 'one dump, no temporary or lock file left');
    assert.deepEqual(warnings, []);
  });

  it('a writer holding the lock (another process) is left alone: nothing written, no error', async () => {
    const dir = newDir();
    const opened = await openEmbedded({ dataDir: dir, sets: async () => sets, cacheDir, warn });
    const file = dumpFile(cacheDir, sets);
    mkdirSync(cacheDir, { recursive: true });
    const release = lockDataDir(file);
    try {
      await migrateUp(opened.db.knex, sets);
      assert.equal(await writeDump(opened.db, file, warn), false);
      assert.ok(!existsSync(file));
    } finally {
      release();
    }
    try {
      assert.equal(await opened.remember(sets), true, 'once the lock is free, the dump is written');
    } finally {
      await opened.db.close();
    }
    assert.deepEqual(warnings, []);
  });
});
