import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer, type TestServerOptions } from '../../../core/src/testing/test-server.ts';

/** Core's test server with a plugins folder holding white-label (and `withPlugins`). */
export async function startBrandServer(env: Record<string, string> = {}, withPlugins: string[] = [], extra: Partial<TestServerOptions> = {}): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-brand-plugins-'));
  for (const name of ['white-label', ...withPlugins]) symlinkSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({ ...extra, env, plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Maps a host name to a tenant as a verified domain (what the domain verification flow ends with). */
export async function verifiedDomain(server: TestServer, tenantId: string, domain: string, status: 'verified' | 'pending' = 'verified'): Promise<void> {
  await server.knex('tenant_domains').insert({ tenant_id: tenantId, domain, status, verification_token: 'test-token', ...(status === 'verified' ? { verified_at: new Date() } : {}) });
}

/** A GET with a chosen Host header (fetch cannot set one). */
export function getWithHost(baseUrl: string, path: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; json: () => any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers: { host, accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Minimal valid images. */
export const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
export const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
export const ICO_HEAD = Buffer.from([0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x10, 0x00, 0x00]);
