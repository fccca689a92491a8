import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { csvField } from '../../src/retention/csv.ts';
import { AUDIT_COLUMNS } from '../../src/retention/audit-records.ts';
import { auditEntry, daysAgo, insert } from './fixtures.ts';
import { parseCsv } from './csv-parse.ts';

const NASTY = 'comma, "quotes" and\na line break\r\nand CRLF';

describe('audit log export: GET /api/v1/audit-logs/export', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let aIds: string[];
  before(async () => {
    server = await startTestServer({ env: { RETENTION_CRON: 'off' } });
    a = await createTenantWithAdmin(server, { slug: 'exp-a' });
    b = await createTenantWithAdmin(server, { slug: 'exp-b' });
    // More rows than one page (1000), oldest first, one with every awkward character.
    // Rows 990-1009 share one instant across the page boundary (the id breaks the tie).
    const at = (i: number) => new Date(daysAgo(50).getTime() + (i >= 990 && i < 1010 ? 990 : i) * 1000);
    const rows = Array.from({ length: 1203 }, (_, i) => auditEntry(a.tenant.id, 50, { created_at: at(i), target_id: `t${i}` }));
    rows[7] = { ...rows[7], actor_email: NASTY, metadata: JSON.stringify({ note: NASTY }), user_agent: ' leading space' };
    aIds = [];
    for (let i = 0; i < rows.length; i += 500) aIds.push(...(await insert(server, 'audit_logs', rows.slice(i, i + 500))));
    await insert(server, 'audit_logs', [auditEntry(b.tenant.id, 50, { action: 'b.secret' })]);
    // Microseconds, which a JavaScript Date does not hold: a cursor kept as a Date would repeat rows.
    await server.knex.raw(`UPDATE audit_logs SET created_at = created_at + interval '123 microseconds' WHERE tenant_id = ?`, [a.tenant.id]);
  });
  after(() => server?.close());

  const exportOf = (token: string, query: string) => server.request('GET', `/api/v1/audit-logs/export?${query}`, { token });
  const fromDb = async (tenantId: string, to: Date) =>
    (await server.knex('audit_logs').where({ tenant_id: tenantId }).where('created_at', '<', to).orderBy([{ column: 'created_at' }, { column: 'id' }])) as Array<Record<string, unknown>>;

  it('JSON lines: every row of the tenant in the range, oldest first, equal to the database', async () => {
    const to = daysAgo(10);
    const res = await exportOf(a.token, `format=jsonl&to=${to.toISOString()}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="audit-logs-.*\.jsonl"/);
    const lines = (res.body as string).trimEnd().split('\n').map((l) => JSON.parse(l));
    const rows = await fromDb(a.tenant.id, to);
    assert.equal(lines.length, 1203);
    assert.deepEqual(new Set(lines.map((l) => l.id)), new Set(aIds));
    assert.deepEqual(lines.map((l) => l.id), rows.map((r) => r.id));
    assert.deepEqual(lines[7], {
      id: rows[7]!.id, tenantId: a.tenant.id, createdAt: (rows[7]!.created_at as Date).toISOString(), actorType: 'system', actorId: null, actorEmail: NASTY,
      action: 'test.aged', targetType: null, targetId: 't7', before: null, after: null, metadata: { note: NASTY }, ip: null, userAgent: ' leading space', requestId: null,
    });
    assert.ok(lines.every((l) => l.tenantId === a.tenant.id));
  });

  it('CSV: a header, then the rows with commas, quotes and line breaks quoted so they read back equal', async () => {
    const to = daysAgo(10);
    const res = await exportOf(a.token, `format=csv&to=${to.toISOString()}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    const [header, ...records] = parseCsv(res.body as string);
    assert.deepEqual(header, AUDIT_COLUMNS);
    assert.equal(records.length, 1203);
    const rows = await fromDb(a.tenant.id, to);
    const nasty = records.find((r) => r[0] === rows[7]!.id)!;
    const col = (name: string) => nasty[AUDIT_COLUMNS.indexOf(name as never)];
    assert.equal(col('id'), rows[7]!.id);
    assert.equal(col('actorEmail'), NASTY);
    assert.deepEqual(JSON.parse(col('metadata')!), { note: NASTY });
    assert.equal(col('userAgent'), ' leading space');
    assert.equal(col('actorId'), '');
    assert.deepEqual(records.map((r) => r[0]), rows.map((r) => r.id));
  });

  it('from is inclusive, to exclusive', async () => {
    const rows = await fromDb(a.tenant.id, new Date());
    const from = (rows[100]!.created_at as Date).toISOString();
    const to = (rows[110]!.created_at as Date).toISOString();
    const res = await exportOf(a.token, `from=${from}&to=${to}`);
    const ids = (res.body as string).trimEnd().split('\n').map((l) => JSON.parse(l).id);
    assert.deepEqual(ids, rows.slice(100, 110).map((r) => r.id));
  });

  it('tenant B\'s export holds B\'s rows only, and A\'s holds none of B\'s', async () => {
    const asB = await exportOf(b.token, 'format=jsonl');
    const bLines = (asB.body as string).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.ok(bLines.some((l) => l.action === 'b.secret'));
    assert.ok(bLines.every((l) => l.tenantId === b.tenant.id));
    const asA = await exportOf(a.token, 'format=csv');
    assert.ok(!(asA.body as string).includes('b.secret'));
  });

  it('is itself audited', async () => {
    const res = await server.request('GET', '/api/v1/audit-logs?action=audit-logs.exported', { token: b.token });
    assert.ok(res.body.meta.total >= 1);
  });

  it('refuses a bad format or range with 400, and callers without audit-logs.export with 403', async () => {
    for (const query of ['format=xml', 'from=yesterday', 'from=2026-02-01&to=2026-01-01', 'to=0000-01-01', 'limit=5']) {
      const res = await exportOf(a.token, query);
      assert.equal(res.status, 400, `${query} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(res.body.details, JSON.stringify(res.body));
    }
    const manager = await createUser(server, a.token, ['manager'], { tenant: 'exp-a' });
    assert.equal((await exportOf(manager.token, 'format=csv')).status, 403);
  });

  it('csvField quotes only what needs it', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(null), '');
    assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
  });
});
