import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { S3Store } from '../../src/backup/s3-store.ts';
import { createBackup, listBackups, readManifest } from '../../src/backup/backup-service.ts';
import { BackupError } from '../../src/backup/backup-error.ts';

/**
 * The S3 store through the official AWS SDK against s3rver, a local S3-compatible server: the
 * same calls (multipart upload, list with a prefix, get, delete) a bucket on AWS, MinIO or R2 gets.
 */
describe('backups in an S3-compatible bucket', function () {
  this.timeout(60_000);
  let s3: S3rver;
  let dir: string;
  let store: S3Store;
  let other: S3Store;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-s3-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 'bucket-data'), configureBuckets: [{ name: 'backups', configs: [] }] });
    const { port } = (await s3.run()) as unknown as { port: number };
    const options = { bucket: 'backups', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    store = new S3Store({ ...options, prefix: 'panel-a/' });
    other = new S3Store({ ...options, prefix: 'panel-b/' });
  });

  after(async () => {
    store?.close();
    other?.close();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores, lists under its prefix only, reads back and deletes', async () => {
    const file = join(dir, 'dump');
    const body = Buffer.alloc(6 * 1024 * 1024, 7); // over the SDK's 5 MB part size: a multipart upload
    body.write('mpanel', 0);
    writeFileSync(file, body);
    await store.put('mpanel-postgres-1.pgdump', file);
    await other.put('mpanel-postgres-2.pgdump', file);
    assert.deepEqual((await store.list()).map((o) => [o.name, o.size]), [['mpanel-postgres-1.pgdump', body.length]]);
    await store.get('mpanel-postgres-1.pgdump', join(dir, 'back'));
    assert.ok(readFileSync(join(dir, 'back')).equals(body), 'the same bytes come back');
    await store.delete('mpanel-postgres-1.pgdump');
    assert.deepEqual(await store.list(), []);
    assert.equal((await other.list()).length, 1, "another prefix's objects are not touched");
    await assert.rejects(store.put('../escape', file), BackupError);
  });

  it('a backup with its manifest, pruned to the newest kept', async () => {
    const source = { kind: 'pglite' as const, dumpDataDir: async () => new Blob([`data ${Math.random()}`]) };
    const ctx = { store, keyIds: ['k1'], version: 'test' };
    const first = await createBackup(source, ctx, 1);
    const second = await createBackup(source, ctx, 1);
    assert.deepEqual(await listBackups(store), [second.name]);
    assert.deepEqual(await readManifest(store, second.name), second);
    await assert.rejects(readManifest(store, first.name), /no backup named/);
  });
});
