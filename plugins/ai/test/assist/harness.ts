import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The AI plugin's schema builds on billing's and support's, so its HTTP tests boot core's test
// server with a plugins folder holding the three, as support's own tests do.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../../core/src/testing/auth.ts';
import { EVAL_ARTICLES, EVAL_DEPARTMENTS } from '../../eval/fixtures.ts';

export { createUser };

export interface AiServer { server: TestServer; close(): Promise<void> }

export async function startAiServer(): Promise<AiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-ai-plugins-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'mpanel-ai-data-'));
  for (const name of ['billing', 'support', 'ai']) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  // The fake endpoint listens on 127.0.0.1: the operator allows private targets (on-premise models do the same).
  const server = await startTestServer({ env: { DATA_DIR: dataDir, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface AiTenant extends TenantWithAdmin { departments: Record<string, string>; articles: Record<string, string> }

let counter = 0;

/** A tenant with the evaluation departments and published KB articles. */
export async function aiTenant(server: TestServer): Promise<AiTenant> {
  const t = await createTenantWithAdmin(server, { slug: `ai-${process.pid}-${++counter}` });
  const departments: Record<string, string> = {};
  for (const name of EVAL_DEPARTMENTS) {
    const r = await server.request('POST', '/api/v1/ticket-departments', { token: t.token, body: { name } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    departments[name] = r.body.data.id;
  }
  const articles: Record<string, string> = {};
  for (const a of EVAL_ARTICLES) {
    const r = await server.request('POST', '/api/v1/kb/articles', { token: t.token, body: { title: a.title, body: a.body, status: 'published', visibility: 'public' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    articles[a.key] = r.body.data.id;
  }
  return { ...t, departments, articles };
}

export async function clientAccount(server: TestServer, token: string, name: string): Promise<{ id: string; email: string }> {
  const email = `${name.toLowerCase()}-${process.pid}-${++counter}@client.test`;
  const r = await server.request('POST', '/api/v1/clients', { token, body: { email, firstName: name, lastName: 'Client', country: 'US', currency: 'USD' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.data.id, email };
}

export async function openTicket(server: TestServer, t: AiTenant, clientId: string, subject: string, body: string, department = 'Technical support'): Promise<string> {
  const r = await server.request('POST', '/api/v1/tickets', { token: t.token, body: { departmentId: t.departments[department], clientId, subject, body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data.id;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
