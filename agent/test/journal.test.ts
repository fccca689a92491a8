import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../src/journal.ts';
import { KeyedLock } from '../src/keyed-lock.ts';
import { backoffMs } from '../src/backoff.ts';

describe('mpanel-agent journal, locks and backoff', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mpa-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const ok = (n: number) => ({ ok: true, steps: [{ name: 'x', ok: true, ms: n }], observed: { n } });

  it('keeps results across a restart and knows which were never acknowledged', async () => {
    const path = join(dir, 'journal.jsonl');
    const j = await new Journal(path).open();
    await j.record('job-1', ok(1));
    await j.record('job-2', ok(2));
    await j.markReported('job-1');
    await j.close();
    const again = await new Journal(path).open();
    assert.deepEqual(again.get('job-1'), ok(1));
    assert.deepEqual(again.get('job-2'), ok(2));
    assert.deepEqual(again.unreported().map((u) => u.jobId), ['job-2']);
    assert.equal(again.get('job-3'), undefined);
    await again.close();
  });

  it('skips a line torn by a crash mid-write (that job simply runs again)', async () => {
    const path = join(dir, 'journal.jsonl');
    const j = await new Journal(path).open();
    await j.record('job-1', ok(1));
    await j.close();
    appendFileSync(path, '{"jobId":"job-2","result":{"ok":tr');
    const again = await new Journal(path).open();
    assert.deepEqual(again.get('job-1'), ok(1));
    assert.equal(again.get('job-2'), undefined);
    await again.record('job-3', ok(3));
    await again.close();
    assert.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, 3);
  });

  it('concurrent writes each land on their own line', async () => {
    const path = join(dir, 'journal.jsonl');
    const j = await new Journal(path).open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => j.record(`job-${i}`, ok(i))));
    await j.close();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { jobId: string });
    assert.equal(new Set(lines.map((l) => l.jobId)).size, 50);
  });

  it('runs one holder per key at a time and other keys in parallel', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const task = (key: string, name: string, ms: number) => lock.run(key, async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
    });
    await Promise.all([task('a', 'a1', 40), task('a', 'a2', 1), task('b', 'b1', 5)]);
    assert.ok(log.indexOf('end a1') < log.indexOf('start a2'), log.join(', '));
    assert.ok(log.indexOf('start b1') < log.indexOf('end a1'), log.join(', '));
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(backoffMs(1, 1000, 60_000, () => 1), 1000);
    assert.equal(backoffMs(3, 1000, 60_000, () => 1), 4000);
    assert.equal(backoffMs(20, 1000, 60_000, () => 1), 60_000);
    assert.equal(backoffMs(3, 1000, 60_000, () => 0), 2000);
  });
});
