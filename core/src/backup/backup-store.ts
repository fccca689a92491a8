import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { BackupError } from './backup-error.ts';

export interface StoredBackup {
  name: string;
  size: number;
}

/** Where backups are kept: a directory, or an S3-compatible bucket (s3-store.ts). */
export interface BackupStore {
  /** A human description for messages: the directory or `s3://bucket/prefix`. */
  readonly where: string;
  put(name: string, file: string): Promise<void>;
  /** Copies the stored object to a local file. */
  get(name: string, file: string): Promise<void>;
  list(): Promise<StoredBackup[]>;
  delete(name: string): Promise<void>;
}

/** A name is a plain file name: nothing a caller passes can reach outside the store. */
export function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || basename(name) !== name) throw new BackupError(`not a backup name: ${name}`);
  return name;
}

export class DirectoryStore implements BackupStore {
  constructor(private readonly dir: string) {}

  get where(): string {
    return this.dir;
  }

  async put(name: string, file: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Write under a temporary name first: a crash never leaves a half file under the real name.
    const target = join(this.dir, checkName(name));
    await copy(createReadStream(file), `${target}.partial`);
    await rename(`${target}.partial`, target);
  }

  async get(name: string, file: string): Promise<void> {
    await copy(createReadStream(join(this.dir, checkName(name))), file);
  }

  async list(): Promise<StoredBackup[]> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    const files = names.filter((n) => !n.endsWith('.partial'));
    return Promise.all(files.map(async (name) => ({ name, size: (await stat(join(this.dir, name))).size })));
  }

  async delete(name: string): Promise<void> {
    await rm(join(this.dir, checkName(name)), { force: true });
  }
}

async function copy(from: Readable, to: string): Promise<void> {
  await pipeline(from, createWriteStream(to, { mode: 0o600 }));
}
