import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Koa from 'koa';
import { safeJoin, sendFile } from '../src/ui/static-files.ts';

/** Raw GET (fetch would decompress for us and hide what went over the wire). */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

describe('UI static files', () => {
  const root = mkdtempSync(join(tmpdir(), 'mpanel-static-'));
  const script = `export const text = ${JSON.stringify('mpanel '.repeat(2000))};\n`;
  writeFileSync(join(root, 'app.js'), script);
  writeFileSync(join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const app = new Koa();
  app.use(async (ctx) => {
    if (!(await sendFile(ctx, safeJoin(root, ctx.path.slice(1)), 'public, max-age=31536000, immutable'))) ctx.status = 404;
  });
  const server = app.listen(0, '127.0.0.1');
  const port = () => (server.address() as AddressInfo).port;
  after(() => server.close());

  it('sends text assets gzipped to browsers that accept it, and the same bytes', async () => {
    const res = await get(port(), '/app.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(String(res.headers.vary), /Accept-Encoding/);
    assert.ok(res.body.length < script.length / 5, `compressed ${res.body.length} of ${script.length} bytes`);
    assert.equal(gunzipSync(res.body).toString(), script);
  });

  it('sends them as they are without Accept-Encoding, and never compresses images', async () => {
    const plain = await get(port(), '/app.js', {});
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), script);
    const png = await get(port(), '/logo.png', { 'accept-encoding': 'gzip' });
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.body.length, 4);
  });

  it('refuses paths that leave the folder', async () => {
    assert.equal((await get(port(), '/..%2f..%2fetc%2fpasswd', { 'accept-encoding': 'gzip' })).status, 404);
  });
});
