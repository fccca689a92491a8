import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configuredDatabase, openDatabase } from '../../src/db/connect.ts';
import { CLI, cliEnv, run } from '../support/cli-process.ts';
import { ownDatabase, type OwnDatabase } from '../support/own-database.ts';
import { parseCsv } from './csv-parse.ts';

describe('mpanel audit:export and retention:run', function () {
  this.timeout(120_000);
  let database: OwnDatabase;
  let env: NodeJS.ProcessEnv;
  const ids: Record<string, string> = {};
  before(async () => {
    database = await ownDatabase();
    env = cliEnv({ ...database.env, NODE_ENV: 'development', JWT_SECRET: 'j'.repeat(40) });
    const migrated = await run(process.execPath, [CLI, 'migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    const db = await openDatabase(configuredDatabase({ databaseUrl: database.env.DATABASE_URL || undefined, dataDir: database.env.DATA_DIR, appDatabaseUrl: undefined, appDatabasePassword: undefined }));
    try {
      const [a, b] = (await db.knex('tenants').insert([{ name: 'A', slug: 'cli-a' }, { name: 'B', slug: 'cli-b' }]).returning('id')) as Array<{ id: string }>;
      const entry = (tenant: string, action: string, at: string, extra = {}) => ({ tenant_id: tenant, actor_type: 'system', action, created_at: new Date(at), ...extra });
      const rows = (await db.knex('audit_logs').insert([
        entry(a!.id, 'a.first', '2025-06-01T10:00:00Z', { actor_email: 'x,"y"\nz' }),
        entry(a!.id, 'a.second', '2025-07-01T10:00:00Z'),
        entry(a!.id, 'a.later', '2026-02-01T10:00:00Z'),
        entry(b!.id, 'b.secret', '2025-06-01T10:00:00Z'),
      ]).returning(['id', 'action'])) as Array<{ id: string; action: string }>;
      for (const r of rows) ids[r.action] = r.id;
      const events = (await db.knex('outbox_events').insert([400, 5].map((age) => ({ tenant_id: a!.id, name: `cli.${age}`, source: 'core', payload: {}, created_at: new Date(Date.now() - age * 86_400_000), dispatched_at: new Date() }))).returning(['id', 'name'])) as Array<{ id: string; name: string }>;
      for (const e of events) ids[e.name] = e.id;
    } finally {
      await db.close();
    }
  });
  after(() => database?.remove());

  it('writes the tenant\'s entries before a date to a file as JSON lines', async () => {
    const out = join(database.env.DATA_DIR, 'a.jsonl');
    const res = await run(process.execPath, [CLI, 'audit:export', '--tenant', 'cli-a', '--format', 'jsonl', '--before', '2026-01-01', '--out', out], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /Wrote 2 audit entries of cli-a/);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.id, l.action]), [[ids['a.first'], 'a.first'], [ids['a.second'], 'a.second']]);
    assert.equal(lines[0].actorEmail, 'x,"y"\nz');
    assert.equal(existsSync(`${out}.partial`), false);
  });

  it('writes CSV to stdout, and never another tenant\'s rows', async () => {
    const res = await run(process.execPath, [CLI, 'audit:export', '--tenant', 'cli-a', '--format', 'csv'], env);
    assert.equal(res.code, 0, res.stderr);
    const [header, ...records] = parseCsv(res.stdout);
    assert.equal(header![0], 'id');
    assert.deepEqual(records.map((r) => r[0]), [ids['a.first'], ids['a.second'], ids['a.later']]);
    assert.equal(records[0]![header!.indexOf('actorEmail')], 'x,"y"\nz');
    assert.ok(!res.stdout.includes('b.secret'));
  });

  it('retention:run deletes what is past its period now and says so', async () => {
    const res = await run(process.execPath, [CLI, 'retention:run', '--target', 'outbox_events'], env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'outbox_events: 1 deleted\nRetention complete\n');
    const db = await openDatabase(configuredDatabase({ databaseUrl: database.env.DATABASE_URL || undefined, dataDir: database.env.DATA_DIR, appDatabaseUrl: undefined, appDatabasePassword: undefined }));
    try {
      assert.deepEqual(await db.knex('outbox_events').whereIn('id', [ids['cli.400']!, ids['cli.5']!]).pluck('id'), [ids['cli.5']]);
    } finally {
      await db.close();
    }
  });

  it('refuses an unknown tenant or a bad date with one line and exit code 1', async () => {
    for (const args of [['--tenant', 'nope'], ['--tenant', 'cli-a', '--before', 'soon']]) {
      const res = await run(process.execPath, [CLI, 'audit:export', ...args], env);
      assert.equal(res.code, 1, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr.trim(), /^audit:export: /);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });
});
