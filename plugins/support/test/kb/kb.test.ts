import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createClientAccount, createTenantWithAdmin, createUser, superAdminToken } from '../../../../core/src/testing/auth.ts';
import { KB_FIXTURE, KB_QUERIES } from './fixture.ts';

/**
 * The knowledge base over HTTP: search ranks the expected article first, drafts and staff articles
 * stay hidden from clients and the public, Markdown comes out sanitised, votes count once per user,
 * suggestions match words being typed, and another tenant sees none of it.
 */
describe('support: knowledge base', function () {
  this.timeout(180_000);
  let server: TestServer;
  let dataDir: string;
  let admin: string;
  let client: string;
  const ids = new Map<string, string>();
  const req = async (token: string | undefined, method: string, path: string, body?: unknown) => server.request(method, path, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
  const data = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const res = await req(token, method, path, body);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mpanel-kb-'));
    server = await startTestServer({ env: { DATA_DIR: dataDir } });
    admin = await superAdminToken(server);
    const clientId = await createClientAccount(server, admin);
    client = (await createUser(server, admin, ['client'], { clientId })).token;
    const category = await data(admin, 'POST', '/api/v1/kb/categories', { name: 'Getting started' });
    for (const a of KB_FIXTURE) {
      const created = await data(admin, 'POST', '/api/v1/kb/articles', { title: a.title, body: a.body, categoryId: category.id, status: a.status ?? 'published', visibility: a.visibility ?? 'public' });
      ids.set(a.key, created.id);
    }
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const { q, first } of KB_QUERIES) {
    it(`search "${q}" returns "${first}" first`, async () => {
      const hits = (await data(client, 'GET', `/api/v1/kb/search?q=${encodeURIComponent(q)}`)) as Array<{ id: string; rank: number }>;
      assert.ok(hits.length > 0, 'some hits');
      assert.equal(hits[0]!.id, ids.get(first), `first hit for "${q}": ${JSON.stringify(hits.map((h) => KB_FIXTURE.find((a) => ids.get(a.key) === h.id)?.key))}`);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.rank >= hits[i]!.rank, 'ordered by rank');
    });
  }

  it('a draft is invisible to clients and the public (list, search, by id, by slug), visible to staff writers', async () => {
    const draftId = ids.get('draft')!;
    const draft = KB_FIXTURE.find((a) => a.key === 'draft')!;
    assert.equal((await req(client, 'GET', `/api/v1/kb/articles/${draftId}`)).status, 404);
    assert.equal((await req(undefined, 'GET', `/api/v1/kb/public/articles/${draft.slug}`)).status, 404);
    for (const token of [client, undefined]) {
      const path = token ? '/api/v1/kb/search?q=migration' : '/api/v1/kb/public/search?q=migration';
      const hits = (await data(token, 'GET', path)) as Array<{ id: string }>;
      assert.ok(!hits.some((h) => h.id === draftId), `draft not in ${path}`);
      const listed = (await data(token, 'GET', token ? '/api/v1/kb/articles?perPage=100' : '/api/v1/kb/public/articles?perPage=100')) as Array<{ id: string }>;
      assert.ok(!listed.some((h) => h.id === draftId));
    }
    assert.equal((await req(client, 'GET', `/api/v1/kb/suggestions?q=migrat`)).body.data.some((h: { id: string }) => h.id === draftId), false);
    assert.equal((await data(admin, 'GET', `/api/v1/kb/articles/${draftId}`)).status, 'draft');
    // A support agent without kb.write sees no drafts either.
    const billingStaff = (await createUser(server, admin, ['billing'])).token;
    assert.equal((await req(billingStaff, 'GET', `/api/v1/kb/articles/${draftId}`)).status, 404);
  });

  it('staff-only and client-only articles: the public sees neither, clients the client one, staff both', async () => {
    const staffId = ids.get('staff-only')!;
    const clientsId = ids.get('clients-only')!;
    assert.equal((await req(client, 'GET', `/api/v1/kb/articles/${staffId}`)).status, 404);
    assert.equal((await req(client, 'GET', `/api/v1/kb/articles/${clientsId}`)).status, 200);
    const pub = (await data(undefined, 'GET', '/api/v1/kb/public/articles?perPage=100')) as Array<{ id: string }>;
    assert.ok(!pub.some((a) => a.id === staffId || a.id === clientsId));
    assert.equal((await req(admin, 'GET', `/api/v1/kb/articles/${staffId}`)).status, 200);
  });

  it('publishing a draft makes it visible; the Markdown is rendered and sanitised', async () => {
    const created = await data(admin, 'POST', '/api/v1/kb/articles', { title: 'Hostile markdown', body: '# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> **bold** [ok](https://example.com)' });
    assert.equal(created.status, 'draft');
    assert.equal((await req(client, 'GET', `/api/v1/kb/articles/${created.id}`)).status, 404);
    await data(admin, 'PATCH', `/api/v1/kb/articles/${created.id}`, { status: 'published' });
    const seen = await data(client, 'GET', `/api/v1/kb/articles/${created.id}`);
    assert.match(seen.html, /<h1>Title<\/h1>/);
    assert.match(seen.html, /<strong>bold<\/strong>/);
    assert.match(seen.html, /<a href="https:\/\/example\.com" rel="noopener noreferrer nofollow">ok<\/a>/);
    // Raw HTML comes out as text, and no link or image may carry script.
    assert.ok(!/<script|<img|href="javascript:/i.test(seen.html), seen.html);
    assert.match(seen.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.ok(seen.publishedAt);
  });

  it('suggestions match words being typed for the new-ticket form', async () => {
    const hits = (await data(client, 'GET', '/api/v1/kb/suggestions?q=transf%20doma')) as Array<{ id: string; title: string }>;
    assert.equal(hits[0]?.id, ids.get('transfer'));
    assert.deepEqual(await data(client, 'GET', '/api/v1/kb/suggestions?q=%27%26%7C%21'), [], 'tsquery syntax is not passed through');
  });

  it('"was this helpful" counts one vote per user, and a changed mind moves it', async () => {
    const id = ids.get('ssl')!;
    await data(client, 'POST', `/api/v1/kb/articles/${id}/feedback`, { helpful: true });
    await data(client, 'POST', `/api/v1/kb/articles/${id}/feedback`, { helpful: true });
    assert.deepEqual(await data(admin, 'POST', `/api/v1/kb/articles/${id}/feedback`, { helpful: false }), { yes: 1, no: 1 });
    assert.deepEqual(await data(client, 'POST', `/api/v1/kb/articles/${id}/feedback`, { helpful: false }), { yes: 0, no: 2 });
    assert.equal((await req(client, 'POST', `/api/v1/kb/articles/${ids.get('draft')}/feedback`, { helpful: true })).status, 404, 'no votes on what one cannot read');
  });

  it('writing needs kb.write; another tenant sees no article, category or draft of this one', async () => {
    assert.equal((await req(client, 'POST', '/api/v1/kb/articles', { title: 'x', body: 'y' })).status, 403);
    const b = await createTenantWithAdmin(server);
    assert.equal((await req(b.token, 'GET', `/api/v1/kb/articles/${ids.get('draft')}`)).status, 404);
    assert.equal((await req(b.token, 'PATCH', `/api/v1/kb/articles/${ids.get('ssl')}`, { title: 'hijack' })).status, 404);
    assert.equal((await req(b.token, 'DELETE', `/api/v1/kb/articles/${ids.get('ssl')}`)).status, 404);
    assert.deepEqual(await data(b.token, 'GET', '/api/v1/kb/search?q=domain'), []);
    assert.deepEqual(await data(b.token, 'GET', '/api/v1/kb/categories'), []);
  });
});
