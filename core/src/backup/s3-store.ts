import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkName, type BackupStore, type StoredBackup } from './backup-store.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix, e.g. `mpanel/` (default none). */
  prefix?: string;
  /** For S3-compatible services (MinIO, Ceph, R2, a test server); path-style addressing then. */
  endpoint?: string;
  region?: string;
  /** Default: the SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Backups in an S3-compatible bucket, through the official AWS SDK (multipart uploads for big dumps). */
export class S3Store implements BackupStore {
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3StoreOptions) {
    this.prefix = options.prefix ?? '';
    this.client = new S3Client({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  get where(): string {
    return `s3://${this.options.bucket}/${this.prefix}`;
  }

  async put(name: string, file: string): Promise<void> {
    const upload = new Upload({ client: this.client, params: { Bucket: this.options.bucket, Key: this.key(name), Body: createReadStream(file) } });
    await upload.done();
  }

  async get(name: string, file: string): Promise<void> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(name) }));
    await pipeline(res.Body as Readable, createWriteStream(file, { mode: 0o600 }));
  }

  async list(): Promise<StoredBackup[]> {
    const found: StoredBackup[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const name = o.Key!.slice(this.prefix.length);
        if (name && !name.includes('/')) found.push({ name, size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async delete(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(name) }));
  }

  close(): void {
    this.client.destroy();
  }

  private key(name: string): string {
    return `${this.prefix}${checkName(name)}`;
  }
}
