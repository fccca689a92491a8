import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DatabaseKind } from '../db/connect.ts';
import { BackupError } from './backup-error.ts';

/** The sidecar `<backup>.json`: what restore checks before it touches anything. */
export interface BackupManifest {
  format: 1;
  name: string;
  kind: DatabaseKind;
  createdAt: string;
  size: number;
  sha256: string;
  mpanelVersion: string;
  /** Ids of the keyring's keys when it was taken: the secrets in it open only with them. */
  keyIds: string[];
}

export const manifestName = (backup: string): string => `${backup}.json`;

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export function parseManifest(text: string, name: string): BackupManifest {
  const m = JSON.parse(text) as Partial<BackupManifest>;
  if (m.format !== 1 || m.name !== name || (m.kind !== 'postgres' && m.kind !== 'pglite') || typeof m.sha256 !== 'string' || !Array.isArray(m.keyIds)) {
    throw new BackupError(`${manifestName(name)} is not an mPanel backup manifest for ${name}`);
  }
  return m as BackupManifest;
}
