import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { secretBoxes } from '../../src/crypto/secret-box.ts';
import { WEBHOOK_SECRET_FIELD } from '../../src/webhooks/webhook-service.ts';
import { DirectoryStore } from '../../src/backup/backup-store.ts';
import { createBackup, listBackups, type BackupContext } from '../../src/backup/backup-service.ts';
import { restoreBackup, type RestoreTarget } from '../../src/backup/restore.ts';
import { dumpSourceOf } from '../../src/backup/sources.ts';
import { BackupError } from '../../src/backup/backup-error.ts';
import { digestTables } from './table-digest.ts';

async function waitFor(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
}

/**
 * A backup restores to the same rows, and the secrets sealed in it open with the keyring: on
 * PGlite (its data-directory dump) in `npm test`, on PostgreSQL (pg_dump/pg_restore) in CI.
 */
describe('backup and restore', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;
  let ctx: BackupContext;
  const targets: Array<TestDatabase | string> = [];
  let snapshot: Map<string, string>;
  let webhookId: string;
  let webhookSecret: string;
  let lastTarget: Awaited<ReturnType<typeof emptyTarget>> | undefined;

  const cradle = () => server.running.platform.container.cradle;
  const backup = (keep = 7) => createBackup(dumpSourceOf(cradle().db), ctx, keep);

  /** A new, empty database to restore into, and how to open it afterwards. */
  async function emptyTarget(): Promise<{ target: RestoreTarget; open(): Promise<{ knex: Knex; close(): Promise<void> }> }> {
    if (cradle().db.kind === 'postgres') {
      const fresh = await createTestDatabase();
      targets.push(fresh);
      const url = fresh.db.url!;
      return {
        target: { kind: 'postgres', url },
        async open() {
          const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
          return { knex, close: () => knex.destroy() };
        },
      };
    }
    const pgliteDir = join(mkdtempSync(join(tmpdir(), 'mpanel-restore-')), 'pglite');
    targets.push(pgliteDir);
    return {
      target: { kind: 'pglite', dir: pgliteDir },
      async open() {
        const db = await openDatabase({ dataDir: pgliteDir });
        return { knex: db.knex, close: () => db.close() };
      },
    };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-backups-'));
    server = await startTestServer({ env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true', BACKUP_SCHEDULE: '0 3 * * *', BACKUP_DIR: dir, BACKUP_KEEP: '2' } });
    ctx = { store: new DirectoryStore(dir), keyIds: cradle().config.encryptionKeys.keys.map((k) => k.id), version: 'test' };
    const token = await superAdminToken(server);
    const hook = await server.request('POST', '/api/v1/webhooks', { token, body: { url: 'http://127.0.0.1:9/in', events: ['invoice.paid'] } });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    webhookId = hook.body.data.id;
    webhookSecret = hook.body.data.secret;
    // A still database: what the backup holds is what the snapshot saw.
    await waitFor(async () => Number(((await server.knex('outbox_events').whereNull('dispatched_at').count({ n: '*' })) as Array<{ n: number }>)[0]!.n) === 0);
    await Promise.all([cradle().eventDispatcher.loop.stop(), cradle().webhooks.loop.stop()]);
    snapshot = await digestTables(server.knex);
  });

  after(async () => {
    await server?.close();
    for (const t of targets) {
      if (typeof t === 'string') rmSync(join(t, '..'), { recursive: true, force: true });
      else await t.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores to the same rows, with its secrets opening under the keyring', async () => {
    const made = await backup();
    assert.equal(made.kind, cradle().db.kind);
    // Changes after the backup must not be in the restored database.
    await server.knex('webhooks').where({ id: webhookId }).update({ url: 'https://changed.example.com/' });
    lastTarget = await emptyTarget();
    const { target, open } = lastTarget;
    await restoreBackup(made.name, target, ctx);

    const restored = await open();
    try {
      assert.deepEqual(await digestTables(restored.knex), snapshot, 'every table holds the same rows');
      const row = (await restored.knex('webhooks').where({ id: webhookId }).first()) as { secret: string; tenant_id: string; url: string };
      assert.equal(row.url, 'http://127.0.0.1:9/in');
      const box = secretBoxes(cradle().config).webhookSecrets;
      assert.equal(box.open(row.secret, { tenantId: row.tenant_id, field: WEBHOOK_SECRET_FIELD }), webhookSecret, 'the sealed secret opens');
    } finally {
      await restored.close();
    }
    await server.knex('webhooks').where({ id: webhookId }).update({ url: 'http://127.0.0.1:9/in' });
  });

  it('restores over a database that already holds other data', async () => {
    const [made] = await listBackups(ctx.store);
    const { target, open } = lastTarget!;
    const changed = await open();
    await changed.knex('webhooks').del();
    await changed.close();
    await restoreBackup(made!, target, ctx);
    const again = await open();
    try {
      assert.deepEqual(await digestTables(again.knex), snapshot);
    } finally {
      await again.close();
    }
  });

  it('refuses without the keys the backup was sealed with, and with a tampered dump, changing nothing', async () => {
    const made = await backup();
    const { target, open } = await emptyTarget();
    await assert.rejects(restoreBackup(made.name, target, { ...ctx, keyIds: ['some-other-key'] }), (err: Error) => err instanceof BackupError && /keyring lacks key/.test(err.message));
    const file = join(dir, made.name);
    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 10] = tampered[tampered.length - 10]! ^ 0xff;
    writeFileSync(file, tampered);
    await assert.rejects(restoreBackup(made.name, target, ctx), (err: Error) => err instanceof BackupError && /checksum/.test(err.message));
    writeFileSync(file, original);
    const untouched = await open();
    try {
      const tables = await digestTables(untouched.knex);
      assert.equal(tables.has('webhooks'), false, 'nothing was restored into the target');
    } finally {
      await untouched.close();
    }
    await assert.rejects(restoreBackup('../../etc/passwd', target, ctx), BackupError);
    await assert.rejects(restoreBackup('mpanel-none.pgdump', target, ctx), /no backup named/);
  });

  it('keeps the newest BACKUP_KEEP backups', async () => {
    const made = [await backup(2), await backup(2), await backup(2)];
    const listed = await listBackups(ctx.store);
    assert.deepEqual(listed, [made[2]!.name, made[1]!.name], 'newest first, the older ones deleted');
    assert.equal((await ctx.store.list()).length, 4, 'each kept backup is a dump and its manifest');
  });

  it('the scheduled backup is a job that runs inside the server', async () => {
    for (const name of await listBackups(ctx.store)) await ctx.store.delete(name);
    await cradle().jobQueue.enqueue('core', 'backup', {}, { tenantId: null });
    await waitFor(async () => (await listBackups(ctx.store)).length > 0);
    const [name] = await listBackups(ctx.store);
    assert.match(name ?? '', new RegExp(`^mpanel-${cradle().db.kind}-`), 'a backup of the running database');
  });
});
