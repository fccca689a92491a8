import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { BackupError } from './backup-error.ts';

/** What a backup is taken from: a PostgreSQL server (pg_dump) or the open embedded database. */
export type DumpSource = { kind: 'postgres'; url: string } | { kind: 'pglite'; dumpDataDir(): Promise<Blob> };

export const EXTENSION = { postgres: 'pgdump', pglite: 'tar.gz' } as const;

/**
 * PostgreSQL: pg_dump's custom format (compressed, restorable table by table, with the grants and
 * row-level security policies the app role depends on). PGlite: its own data-directory dump, taken
 * inside the process that holds the data directory.
 */
export async function dumpTo(file: string, source: DumpSource): Promise<void> {
  if (source.kind === 'pglite') {
    const blob = await source.dumpDataDir();
    await writeFile(file, Buffer.from(await blob.arrayBuffer()), { mode: 0o600 });
    return;
  }
  await runTool('pg_dump', ['--format=custom', '--file', file, '--dbname', source.url]);
}

/** Runs a PostgreSQL client tool; its stderr is the error when it fails (never the URL's password). */
export function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new BackupError(`${command} is not installed (Debian: apt install postgresql-client)`) : err),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BackupError(`${command} failed (exit ${code}): ${stderr.trim()}`))));
  });
}
