import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OpResult } from './ops/index.ts';

interface Entry {
  jobId: string;
  result?: OpResult;
  /** The panel acknowledged the result. */
  reported?: boolean;
  at: string;
}

/**
 * Job ids → stored results, appended to a JSON-lines file and fsync'd before the result is sent:
 * a job the panel delivers again (it never got our answer, or it was replayed) gets the stored
 * result and is not run twice. Results not yet acknowledged are sent again after a restart.
 */
export class Journal {
  private readonly results = new Map<string, { result: OpResult; reported: boolean }>();
  private fh: FileHandle | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async open(): Promise<this> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        continue; // a line torn by a crash mid-write: its result was never sent, so the job runs again (ops converge)
      }
      if (entry.result) this.results.set(entry.jobId, { result: entry.result, reported: false });
      else if (entry.reported) {
        const known = this.results.get(entry.jobId);
        if (known) known.reported = true;
      }
    }
    this.fh = await open(this.path, 'a', 0o600);
    // End a torn last line, or the next entry would be glued to it and lost on the next read.
    if (text && !text.endsWith('\n')) await this.append(null);
    return this;
  }

  get(jobId: string): OpResult | undefined {
    return this.results.get(jobId)?.result;
  }

  /** Results stored but never acknowledged by the panel. */
  unreported(): Array<{ jobId: string; result: OpResult }> {
    return [...this.results].filter(([, v]) => !v.reported).map(([jobId, v]) => ({ jobId, result: v.result }));
  }

  async record(jobId: string, result: OpResult): Promise<void> {
    this.results.set(jobId, { result, reported: false });
    await this.append({ jobId, result, at: new Date().toISOString() });
  }

  async markReported(jobId: string): Promise<void> {
    const known = this.results.get(jobId);
    if (!known || known.reported) return;
    known.reported = true;
    await this.append({ jobId, reported: true, at: new Date().toISOString() });
  }

  async close(): Promise<void> {
    await this.writing;
    await this.fh?.close();
    this.fh = undefined;
  }

  /** One write at a time, each followed by fsync: the entry is on disk before anyone learns the result. */
  private append(entry: Entry | null): Promise<void> {
    const next = this.writing.then(async () => {
      if (!this.fh) throw new Error('journal is not open');
      await this.fh.write(entry ? `${JSON.stringify(entry)}\n` : '\n');
      await this.fh.sync();
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
