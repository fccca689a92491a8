import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openDatabase } from '../../src/db/connect.ts';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { dumpFile, openEmbedded } from '../../src/db/migrated-dump.ts';
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

  /** What a server does: open, migrate; answers the origin, what was applied and the test tables. */
  async function start(dataDir: string) {
    const opened = await openEmbedded({ dataDir, sets: async () => sets, cacheDir, warn });
    try {
      const applied = await migrateUp(opened.db.knex, sets);
      const tables = (await opened.db.knex.raw(`select tablename from pg_tables where tablename like 'dump_%' order by 1`)).rows.map((r: { tablename: string }) => r.tablename);
      return { origin: opened.origin, applied, tables };
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

  it('the first start builds the dump and starts from it; the next new directory loads it; nothing is pending', async () => {
    assert.deepEqual(await start(newDir()), { origin: 'built', applied: [], tables: ['dump_first'] });
    assert.ok(existsSync(dumpFile(cacheDir, sets)));
    assert.deepEqual(await start(newDir()), { origin: 'dump', applied: [], tables: ['dump_first'] });

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

  it('a changed migration set is not served the old dump: a dump is built under the new key', async () => {
    await start(newDir());
    const oldFile = dumpFile(cacheDir, sets);
    migration('20260102000000_second', 'dump_second');
    assert.notEqual(dumpFile(cacheDir, sets), oldFile, 'a new migration file is a new key');
    assert.deepEqual(await start(newDir()), { origin: 'built', applied: [], tables: ['dump_first', 'dump_second'] });
    assert.deepEqual(await start(newDir()), { origin: 'dump', applied: [], tables: ['dump_first', 'dump_second'] });
  });

  it('a corrupt dump is deleted and the start falls back to initdb, migrates and works', async () => {
    const file = dumpFile(cacheDir, sets);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
    const dir = newDir();
    assert.deepEqual(await start(dir), { origin: 'initdb', applied: ['test:20260100000000_role', 'test:20260101000000_first'], tables: ['dump_first'] });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /could not be loaded \(not a ustar archive\).*creating the database from scratch/);
    assert.ok(!existsSync(file), 'the corrupt dump is deleted');
    // The next first start builds a good one; the fallback's directory is sound on restart.
    assert.equal((await start(newDir())).origin, 'built');
    assert.equal((await start(dir)).origin, 'existing');
  });

  it('a truncated dump (a disk that filled up while writing it) falls back to initdb too, leaving no half directory', async () => {
    await start(newDir());
    const file = dumpFile(cacheDir, sets);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await start(newDir());
    assert.equal(result.origin, 'initdb');
    assert.deepEqual(result.tables, ['dump_first']);
    assert.match(warnings[0]!, /truncated archive/);
    assert.deepEqual(readdirSync(root).filter((f) => f.includes('.unpack-')), [], 'the unpack folder is removed');
  });

  it('two first starts at once: only one writes the dump (data-dir lock on the file), both start', async () => {
    const [a, b] = await Promise.all([start(newDir()), start(newDir())]);
    const origins = [a.origin, b.origin].sort();
    // The other one either found the lock taken (it does not wait: plain initdb) or the dump already written.
    assert.equal(origins.filter((o) => o === 'built').length, 1, origins.join());
    assert.ok(origins.every((o) => ['built', 'initdb', 'dump'].includes(o)), origins.join());
    assert.deepEqual(a.tables, ['dump_first']);
    assert.deepEqual(b.tables, ['dump_first']);
    assert.deepEqual(readdirSync(cacheDir), [basename(dumpFile(cacheDir, sets))], 'one dump, no temporary or lock file left');
    assert.deepEqual(warnings, []);
  });

  it('a writer holding the lock (another process building the dump) is left alone: nothing written, no error', async () => {
    const file = dumpFile(cacheDir, sets);
    mkdirSync(cacheDir, { recursive: true });
    const release = lockDataDir(file);
    try {
      assert.deepEqual(await start(newDir()), { origin: 'initdb', applied: ['test:20260100000000_role', 'test:20260101000000_first'], tables: ['dump_first'] });
      assert.ok(!existsSync(file));
    } finally {
      release();
    }
    assert.equal((await start(newDir())).origin, 'built', 'once the lock is free, the dump is built');
    assert.deepEqual(warnings, []);
  });
});
