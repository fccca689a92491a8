import type { BackupConfig } from './backup-config.ts';
import { DirectoryStore, type BackupStore } from './backup-store.ts';
import { S3Store } from './s3-store.ts';

export function storeFor(config: BackupConfig): BackupStore {
  return config.s3 ? new S3Store(config.s3) : new DirectoryStore(config.dir);
}
