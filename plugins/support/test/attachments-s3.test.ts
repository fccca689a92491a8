import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startSupportServer, type SupportServer } from './support/server.ts';
import { b64, portalClient, tenantWithDepartment } from './support/fixtures.ts';

const ENV = ['SUPPORT_ATTACHMENTS_S3_BUCKET', 'SUPPORT_ATTACHMENTS_S3_ENDPOINT', 'SUPPORT_ATTACHMENTS_S3_ACCESS_KEY_ID', 'SUPPORT_ATTACHMENTS_S3_SECRET_ACCESS_KEY'];

/** Attachments in an S3-compatible bucket (s3rver) through the official AWS SDK, served only to the ticket's readers. */
describe('support attachments in S3-compatible storage', function () {
  this.timeout(180_000);
  let s3: S3rver;
  let dir: string;
  let endpoint: string;
  let s: SupportServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-support-s3-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 'bucket-data'), configureBuckets: [{ name: 'tickets', configs: [] }] });
    const { port } = (await s3.run()) as unknown as { port: number };
    endpoint = `http://127.0.0.1:${port}`;
    Object.assign(process.env, { SUPPORT_ATTACHMENTS_S3_BUCKET: 'tickets', SUPPORT_ATTACHMENTS_S3_ENDPOINT: endpoint, SUPPORT_ATTACHMENTS_S3_ACCESS_KEY_ID: 'S3RVER', SUPPORT_ATTACHMENTS_S3_SECRET_ACCESS_KEY: 'S3RVER' });
    s = await startSupportServer();
  });
  after(async () => {
    for (const name of ENV) delete process.env[name];
    await s?.close();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the bytes in the bucket, not DATA_DIR, and serves them to the owner only', async () => {
    const t = await tenantWithDepartment(s.server);
    const grace = await portalClient(s.server, t, 'Grace');
    const alan = await portalClient(s.server, t, 'Alan');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('fake image bytes')]);
    const res = await s.server.request('POST', '/api/v1/tickets', { token: grace.token, body: { departmentId: t.departmentId, subject: 'Screenshot', body: 'see attached', attachments: [{ filename: 'shot.png', contentBase64: b64(png) }] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const row = await s.server.knex('ticket_attachments').where({ ticket_id: res.body.data.id }).first();
    assert.equal(row.storage, 's3');
    assert.equal(row.content_type, 'image/png');
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const object = await client.send(new GetObjectCommand({ Bucket: 'tickets', Key: row.storage_key }));
    assert.ok(Buffer.from(await object.Body!.transformToByteArray()).equals(png));
    client.destroy();
    assert.equal(existsSync(join(s.dataDir, 'support-attachments')), false, 'nothing written to DATA_DIR');
    const url = `/api/v1/tickets/${res.body.data.id}/attachments/${row.id}`;
    const own = await fetch(`${s.server.url}${url}`, { headers: { authorization: `Bearer ${grace.token}` } });
    assert.equal(own.status, 200);
    assert.ok(Buffer.from(await own.arrayBuffer()).equals(png));
    assert.equal(own.headers.get('content-type'), 'image/png');
    assert.match(own.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal((await fetch(`${s.server.url}${url}`, { headers: { authorization: `Bearer ${alan.token}` } })).status, 404);
    assert.equal((await fetch(`${s.server.url}${url}`)).status, 401);
  });
});
