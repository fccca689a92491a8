import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Where attachment bytes live: a folder under DATA_DIR or an S3-compatible bucket. */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  put(key: string, content: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
}

export function localStore(root: string): BlobStore {
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    // Keys are made by this plugin (tenant/uuid); the check keeps a bad row from reading outside the folder.
    if (!path.startsWith(resolve(root) + '/')) throw new Error(`attachment key outside the store: ${key}`);
    return path;
  };
  return {
    kind: 'local',
    async put(key, content) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content, { mode: 0o600 });
    },
    get: (key) => readFile(pathOf(key)),
  };
}

export interface S3Options {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function s3Store(o: S3Options): BlobStore {
  const client = new S3Client({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
    ...(o.accessKeyId && o.secretAccessKey ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } } : {}),
  });
  return {
    kind: 's3',
    async put(key, content) {
      await client.send(new PutObjectCommand({ Bucket: o.bucket, Key: key, Body: content, ContentType: 'application/octet-stream' }));
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    },
  };
}

/**
 * The store from the environment: SUPPORT_ATTACHMENTS_S3_BUCKET selects S3 (with
 * SUPPORT_ATTACHMENTS_S3_ENDPOINT, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY); otherwise
 * DATA_DIR/support-attachments.
 */
export function storeFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): BlobStore {
  const bucket = env.SUPPORT_ATTACHMENTS_S3_BUCKET;
  if (bucket) {
    return s3Store({
      bucket,
      endpoint: env.SUPPORT_ATTACHMENTS_S3_ENDPOINT,
      region: env.SUPPORT_ATTACHMENTS_S3_REGION ?? 'us-east-1',
      accessKeyId: env.SUPPORT_ATTACHMENTS_S3_ACCESS_KEY_ID,
      secretAccessKey: env.SUPPORT_ATTACHMENTS_S3_SECRET_ACCESS_KEY,
    });
  }
  return localStoreIn(dataDir);
}

/** DATA_DIR/support-attachments (also where files stored before S3 was configured are read from). */
export const localStoreIn = (dataDir: string): BlobStore => localStore(join(resolve(dataDir), 'support-attachments'));
