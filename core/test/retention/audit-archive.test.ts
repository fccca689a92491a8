import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { auditEntry, insert, remaining } from './fixtures.ts';

/** RETENTION_AUDIT_ARCHIVE_DIR: expiring audit rows are written to files before they are deleted. */
describe('retention: audit archive before deletion', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-audit-archive-'));
    server = await startTestServer({ env: { RETENTION_CRON: 'off', RETENTION_AUDIT_ARCHIVE_DIR: dir, RETENTION_BATCH_SIZE: '3' } });
    a = await createTenantWithAdmin(server, { slug: 'arch-a' });
    b = await createTenantWithAdmin(server, { slug: 'arch-b' });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = () => server.running.platform.container.cradle.retention.run({ only: ['audit_logs'] });
  /** Every line of the tenant's monthly files (400-407 days ago may span two months). */
  const archived = (tenantId: string) => {
    const folder = join(dir, tenantId);
    if (!existsSync(folder)) return [];
    const files = readdirSync(folder).sort();
    assert.ok(files.every((f) => /^audit-logs-\d{4}-\d{2}\.jsonl$/.test(f)), files.join());
    return files.flatMap((f) => readFileSync(join(folder, f), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; tenantId: string; action: string }));
  };

  it('keeps everything when the archive cannot be written', async () => {
    const ids = await insert(server, 'audit_logs', [auditEntry(a.tenant.id, 400, { action: 'a.old' }), auditEntry(b.tenant.id, 400, { action: 'b.old' })]);
    // A file where B's folder should be: making it fails.
    writeFileSync(join(dir, b.tenant.id), 'in the way');
    const report = await run();
    assert.ok(report.failed.audit_logs, JSON.stringify(report));
    assert.deepEqual(await remaining(server, 'audit_logs', ids), ids);
    assert.deepEqual(archived(a.tenant.id), []);
    rmSync(join(dir, b.tenant.id));
  });

  it('writes each tenant\'s expiring rows to its own file, then deletes exactly those', async () => {
    const aOld = await insert(server, 'audit_logs', Array.from({ length: 7 }, (_, i) => auditEntry(a.tenant.id, 400 + i, { action: 'a.old' })));
    const aYoung = await insert(server, 'audit_logs', [auditEntry(a.tenant.id, 10, { action: 'a.young' })]);
    const report = await run();
    assert.deepEqual(report.failed, {});
    const aLines = archived(a.tenant.id);
    const bLines = archived(b.tenant.id);
    const before = (await server.knex('audit_logs').whereIn('action', ['a.old', 'b.old']).count({ n: '*' }))[0] as { n: number | string };
    assert.equal(Number(before.n), 0);
    assert.ok(aLines.every((l) => l.tenantId === a.tenant.id && l.action === 'a.old'));
    assert.ok(bLines.every((l) => l.tenantId === b.tenant.id && l.action === 'b.old'));
    assert.equal(bLines.length, 1);
    // The 7 new ones and the one from the failed run, each once.
    assert.equal(aLines.length, 8);
    assert.equal(new Set(aLines.map((l) => l.id)).size, 8);
    for (const id of aOld) assert.ok(aLines.some((l) => l.id === id));
    assert.deepEqual(await remaining(server, 'audit_logs', aYoung), aYoung);
  });
});
