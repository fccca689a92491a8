/**
 * `npm run bench:kb`: knowledge base search latency on BENCH_KB_ARTICLES (default 10,000)
 * published articles. The ten fixture articles of the KB test go in through the API; the rest are
 * generated in one `INSERT … SELECT generate_series` from a vocabulary of hosting words, so the
 * index holds many near-matches for every query. Then BENCH_KB_REQUESTS (default 400) searches
 * and as many suggestions (prefix queries) over HTTP as a client user, one at a time: p50 / p99
 * in milliseconds, and whether each query still ranks its expected article first.
 * Embedded PGlite by default; PostgreSQL when TEST_DATABASE_URL is set (the test server's rule).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../core/src/testing/test-server.ts';
import { createClientAccount, createUser, superAdminToken } from '../core/src/testing/auth.ts';
import { KB_FIXTURE, KB_QUERIES } from '../plugins/support/test/kb/fixture.ts';

const ARTICLES = Number(process.env.BENCH_KB_ARTICLES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_KB_REQUESTS ?? 400);
const WORDS = ['domain', 'dns', 'mail', 'mailbox', 'website', 'backup', 'restore', 'php', 'database', 'mysql', 'certificate', 'ssl', 'invoice', 'payment', 'upgrade',
  'transfer', 'nameserver', 'record', 'password', 'login', 'ftp', 'ssh', 'cron', 'redirect', 'cache', 'error', 'limit', 'quota', 'spam', 'forward', 'alias', 'server',
  'account', 'service', 'renewal', 'order', 'ticket', 'support', 'panel', 'setting'];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpanel-bench-kb-'));
  const server = await startTestServer({ env: { DATA_DIR: dataDir } });
  try {
    const admin = await superAdminToken(server);
    const client = (await createUser(server, admin, ['client'], { clientId: await createClientAccount(server, admin) })).token;
    const post = (path: string, body: unknown) => server.request('POST', path, { token: admin, body });
    const expected = new Map<string, string>();
    for (const a of KB_FIXTURE) {
      const res = await post('/api/v1/kb/articles', { title: a.title, body: a.body, status: a.status ?? 'published', visibility: a.visibility ?? 'public' });
      expected.set(a.key, res.body.data.id as string);
    }
    const tenantId = ((await server.knex('tenants').where({ slug: 'default' }).first('id')) as { id: string }).id;
    let t = performance.now();
    // Each generated article: a title of 4 and a body of 60 words drawn from the vocabulary.
    await server.knex.raw(`
      INSERT INTO kb_articles (tenant_id, title, slug, body_md, body_html, status, visibility, published_at)
      SELECT ?, initcap(w.title), 'generated-' || g, w.body, '<p>' || w.body || '</p>', 'published', 'public', now() - (g || ' minutes')::interval
      FROM generate_series(1, ?) g
      CROSS JOIN LATERAL (
        SELECT (SELECT string_agg(v[1 + ((g * 7 + i * 13) % array_length(v, 1))], ' ') FROM generate_series(1, 4) i) AS title,
               (SELECT string_agg(v[1 + ((g * 31 + i * 17 + i * i) % array_length(v, 1))], ' ') FROM generate_series(1, 60) i) AS body
        FROM (SELECT ?::text[] AS v) words
      ) w`, [tenantId, ARTICLES - KB_FIXTURE.length, WORDS]);
    const fillSeconds = (performance.now() - t) / 1000;

    const time = async (path: string) => {
      const start = performance.now();
      const res = await server.request('GET', path, { token: client });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return { ms: performance.now() - start, data: res.body.data as Array<{ id: string }> };
    };
    const run = async (kind: 'search' | 'suggestions') => {
      const samples: number[] = [];
      let firstRight = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const query = KB_QUERIES[i % KB_QUERIES.length]!;
        const q = kind === 'search' ? query.q : query.q.split(' ').map((w) => w.slice(0, Math.max(3, w.length - 2))).join(' ');
        const { ms, data } = await time(`/api/v1/kb/${kind}?q=${encodeURIComponent(q)}`);
        samples.push(ms);
        if (data[0]?.id === expected.get(query.first)) firstRight++;
      }
      samples.sort((x, y) => x - y);
      return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1)!, firstRight: `${firstRight}/${REQUESTS}` };
    };
    // The first request after the long insert may meet a keep-alive socket the server already closed.
    await time('/api/v1/kb/search?q=warmup').catch(() => time('/api/v1/kb/search?q=warmup'));
    t = performance.now();
    const search = await run('search');
    const suggestions = await run('suggestions');
    const result = {
      database: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', articles: ARTICLES, requests: REQUESTS, fillSeconds: Number(fillSeconds.toFixed(1)),
      search: Object.fromEntries(Object.entries(search).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(1)) : v])),
      suggestions: Object.fromEntries(Object.entries(suggestions).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(1)) : v])),
      seconds: Number(((performance.now() - t) / 1000).toFixed(1)),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
