import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer, type TestServerOptions } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import type { TenantWithAdmin } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { SmtpCapture } from '../../../core/test/mail/smtp-capture.ts';

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

/** A request as the tenant's admin. */
export const asAdmin = (server: TestServer, t: TenantWithAdmin, method: string, path: string, body?: unknown) =>
  server.request(method, path, { token: t.token, ...(body === undefined ? {} : { body }) });

/** A product, a client and an order in the tenant (billing plugin): the order's invoice id. */
export async function orderedInvoice(server: TestServer, t: TenantWithAdmin, email: string): Promise<string> {
  const product = await asAdmin(server, t, 'POST', '/api/v1/products', { name: 'Web Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] });
  assert.equal(product.status, 201, JSON.stringify(product.body));
  const client = await asAdmin(server, t, 'POST', '/api/v1/clients', { email, firstName: 'Cleo', lastName: 'Client', country: 'US', currency: 'USD' });
  assert.equal(client.status, 201, JSON.stringify(client.body));
  const order = await asAdmin(server, t, 'POST', '/api/v1/orders', { clientId: client.body.data.id, items: [{ productId: product.body.data.id, cycle: 'monthly' }] });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  return order.body.data.invoice.id as string;
}

/** A local SMTP capture that the tenants' mail settings send to (close it after). */
export async function captureMail(server: TestServer, tenants: TenantWithAdmin[]): Promise<SmtpCapture> {
  const smtp = new SmtpCapture();
  const port = await smtp.listen();
  const mail = server.running.platform.container.cradle.mail;
  for (const t of tenants) await mail.saveSettings(t.tenant.id, { host: '127.0.0.1', port, secure: false });
  return smtp;
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
