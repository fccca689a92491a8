import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Knex } from 'knex';
import { migrateDown, migrateUp, migrationStatus } from '../src/db/migrator.ts';
import { CORE_MIGRATIONS } from '../src/platform.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/database.ts';
import { CLI, cliEnv, run } from './support/cli-process.ts';
import { ownDatabase } from './support/own-database.ts';

/** knex's own bookkeeping tables, which stay after a full rollback. */
const BOOKKEEPING = ['knex_migrations', 'knex_migrations_lock'];

const coreMigrationNames = readdirSync(CORE_MIGRATIONS.directory)
  .filter((f) => /^\d+[-_].+\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
  .map((f) => f.replace(/\.(ts|js|mjs)$/, ''))
  .sort();

/** The user schema as text: every table with its columns and types, every index and RLS policy. */
async function schemaSnapshot(knex: Knex): Promise<{ tables: string[]; shape: string }> {
  const rows = async (sql: string) => ((await knex.raw(sql)) as { rows: Array<Record<string, string>> }).rows;
  const tables = (await rows(`select table_name from information_schema.tables where table_schema = 'public' order by 1`)).map((r) => r.table_name!);
  const columns = await rows(`select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = 'public' order by table_name, column_name`);
  const indexes = await rows(`select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`);
  const policies = await rows(`select tablename, policyname, qual from pg_policies where schemaname = 'public' order by 1, 2`);
  return { tables, shape: JSON.stringify({ columns, indexes, policies }) };
}

describe('core migrations', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database?.destroy());

  it('go up, report nothing pending, come down completely and go up again to the same schema', async () => {
    const { knex } = database.db;
    assert.ok(coreMigrationNames.length > 0, 'migrations/ holds the core migrations');
    assert.deepEqual((await schemaSnapshot(knex)).tables, [], 'the test database starts empty');

    const applied = await migrateUp(knex, [CORE_MIGRATIONS]);
    assert.deepEqual(applied, coreMigrationNames.map((n) => `core:${n}`));
    const first = await schemaSnapshot(knex);
    for (const table of BOOKKEEPING) assert.ok(first.tables.includes(table), `${table} exists`);

    const [status] = await migrationStatus(knex, [CORE_MIGRATIONS]);
    assert.equal(status!.owner, 'core');
    assert.deepEqual(status!.pending, []);
    assert.deepEqual([...status!.completed].sort(), coreMigrationNames);
    assert.deepEqual(await migrateUp(knex, [CORE_MIGRATIONS]), [], 'a second up applies nothing');

    const reverted = await migrateDown(knex, [CORE_MIGRATIONS], true);
    assert.deepEqual([...reverted].sort(), coreMigrationNames.map((n) => `core:${n}`));
    assert.deepEqual((await schemaSnapshot(knex)).tables, BOOKKEEPING, 'every core table is gone after down --all');
    const [afterDown] = await migrationStatus(knex, [CORE_MIGRATIONS]);
    assert.deepEqual(afterDown!.completed, []);
    assert.deepEqual([...afterDown!.pending].sort(), coreMigrationNames);

    await migrateUp(knex, [CORE_MIGRATIONS]);
    const second = await schemaSnapshot(knex);
    assert.deepEqual(second.tables, first.tables);
    assert.equal(second.shape, first.shape, 'up after down rebuilds the same columns, indexes and policies');
  });

  it('are driven by `mpanel migrate status|up|down`', async function () {
    this.timeout(120_000);
    const own = await ownDatabase();
    const mpanel = async (...args: string[]) => {
      const res = await run(process.execPath, [CLI, 'migrate', ...args], cliEnv(own.env));
      assert.equal(res.code, 0, `mpanel migrate ${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`);
      return res.stdout;
    };
    try {
      const total = coreMigrationNames.length;
      let out = await mpanel('status');
      assert.match(out, new RegExp(`^core: 0 applied, ${total} pending$`, 'm'));
      for (const name of coreMigrationNames) assert.match(out, new RegExp(`^  pending ${name}$`, 'm'));

      out = await mpanel('up');
      for (const name of coreMigrationNames) assert.match(out, new RegExp(`core:${name}`));
      assert.match(await mpanel('status'), new RegExp(`^core: ${total} applied, 0 pending$`, 'm'));

      out = await mpanel('down', '--all');
      for (const name of coreMigrationNames) assert.match(out, new RegExp(`core:${name}`));
      assert.match(await mpanel('status'), new RegExp(`^core: 0 applied, ${total} pending$`, 'm'));
    } finally {
      await own.remove();
    }
  });
});
