import { join } from 'node:path';
import { nextTick } from '../jobs/cron.ts';
import { ConfigError } from '../config/config.ts';

export interface BackupConfig {
  /** Local directory (default DATA_DIR/backups), used when no bucket is set. */
  dir: string;
  s3?: { bucket: string; prefix: string; endpoint?: string; region?: string };
  /** Backups kept after a new one is made (oldest deleted first). */
  keep: number;
  /** Cron pattern of the scheduled backup, or null (off). */
  schedule: string | null;
}

type Env = Record<string, string | undefined>;

/** BACKUP_* settings; a bad value is a ConfigError naming the variable, like the rest of the configuration. */
export function backupConfig(env: Env, dataDir: string): BackupConfig {
  const keep = env.BACKUP_KEEP ? Number(env.BACKUP_KEEP) : 7;
  if (!Number.isInteger(keep) || keep < 1 || keep > 10_000) throw new ConfigError('BACKUP_KEEP', `must be a whole number from 1 to 10000 (got "${env.BACKUP_KEEP}")`);
  const schedule = env.BACKUP_SCHEDULE?.trim() || null;
  if (schedule) {
    try {
      nextTick(schedule, new Date());
    } catch (err) {
      throw new ConfigError('BACKUP_SCHEDULE', `must be a cron pattern like "0 3 * * *" (${(err as Error).message})`);
    }
  }
  const endpoint = env.BACKUP_S3_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint)) throw new ConfigError('BACKUP_S3_ENDPOINT', `must be an http(s) URL (got "${endpoint}")`);
  const bucket = env.BACKUP_S3_BUCKET?.trim();
  const prefix = env.BACKUP_S3_PREFIX?.trim() ?? '';
  if (prefix && !/^[A-Za-z0-9._/-]*\/$/.test(prefix)) throw new ConfigError('BACKUP_S3_PREFIX', `must end with "/" and hold only letters, digits, ".", "_", "-" and "/" (got "${prefix}")`);
  return {
    dir: env.BACKUP_DIR?.trim() || join(dataDir, 'backups'),
    ...(bucket ? { s3: { bucket, prefix, endpoint, region: env.BACKUP_S3_REGION?.trim() || undefined } } : {}),
    keep,
    schedule,
  };
}
