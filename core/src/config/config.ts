import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { formatKeys, newKey, parseKeys, type Keyring } from '../crypto/keyring.ts';
import { join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';
import { backupConfig, type BackupConfig } from '../backup/backup-config.ts';
import { DEFAULT_JOB_SETTINGS, type JobQueueSettings } from '../jobs/job-settings.ts';
import { retentionConfig, type RetentionConfig } from '../retention/retention-config.ts';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL as the owner (migrations, platform loops); unset: embedded PGlite in DATA_DIR. */
  databaseUrl: string | undefined;
  /** The app role's login (requests, jobs); unset: DATABASE_URL as user mpanel_app. */
  appDatabaseUrl: string | undefined;
  /** The app role's password when its login is derived; set on the role at start. */
  appDatabasePassword: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  /** Seal stored secrets (MPANEL_ENCRYPTION_KEYS, or generated into DATA_DIR/encryption-keys). */
  encryptionKeys: Keyring;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  /** Error details (message, stack) in 500 answers: only when NODE_ENV=development is set explicitly. */
  exposeErrorDetails: boolean;
  corsOrigins: string[];
  /** The public base URL, printed at start and used in links. */
  publicUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Allow connections to private and loopback addresses where a tenant chooses the target: webhooks, SMTP, plugins' `ctx.net` (tests, on-premise). */
  allowPrivateTargets: boolean;
  /** @deprecated the same as allowPrivateTargets (kept for code written before it covered more than webhooks) */
  allowPrivateWebhookTargets: boolean;
  /** MPANEL_PLATFORM_DOMAINS: the platform's own host names (with PUBLIC_URL's), never a tenant's. */
  platformDomains: string[];
  /**
   * Which proxies in front of mPanel to believe about the client address (X-Forwarded-For): a hop
   * count, or proxy addresses/CIDRs (`proxy-addr` forms, e.g. `loopback`, `10.0.0.0/8`). 0: none.
   */
  trustProxy: number | string[];
  rateLimit: RateLimitConfig;
  /** BACKUP_*: where `mpanel backup` and the scheduled backup write, how many are kept, when. */
  backup: BackupConfig;
  jobs: JobsConfig;
  /** Which work this process does (MPANEL_ROLE or `start --role`): see core/src/roles.ts. */
  role: ProcessRole;
  ops: OpsConfig;
  delivery: DeliveryConfig;
  /** RETENTION_*: when and how old rows are deleted (see core/src/retention). */
  retention: RetentionConfig;
  workflows: WorkflowConfig;
}

/** Durable workflows' timing (tests shorten them to tens of ms). */
export interface WorkflowConfig {
  /** WORKFLOW_LEASE_MS: a worker's hold on a run without a heartbeat; a dead worker's run resumes after it. */
  leaseMs: number;
  /** WORKFLOW_SWEEP_MS: how often runs whose worker is gone are looked for (default: the lease). */
  sweepMs: number;
  /** WORKFLOW_CONCURRENCY: runs one process advances at once (default 16); they hold no job slot. */
  concurrency: number;
}

/** How events and webhooks are delivered (per instance). */
export interface DeliveryConfig {
  /** Tenants whose event deliveries run at once, each in its own transaction. */
  eventConcurrency: number;
  /** An event handler run's limit when its subscription names none. */
  eventHandlerTimeoutMs: number;
  /** Webhook POSTs in flight at once, and to one endpoint. */
  webhookConcurrency: number;
  webhookPerEndpoint: number;
  /** One webhook POST's limit. */
  webhookTimeoutMs: number;
}

/** web: HTTP and realtime; worker: background services (events, webhooks, jobs, cron); all: both. */
export type ProcessRole = 'all' | 'web' | 'worker';
export const PROCESS_ROLES: readonly ProcessRole[] = ['all', 'web', 'worker'];

/** Metrics and readiness. */
export interface OpsConfig {
  /** METRICS_TOKEN: bearer token that `GET /metrics` on the main port requires. */
  metricsToken: string | undefined;
  /** METRICS_ADDR (`host:port`): serve `/metrics` on this internal listener instead, without a token. */
  metricsAddr: { host: string; port: number } | undefined;
  /** READY_STUCK_AFTER_SECONDS: a due job or undelivered event older than this makes the instance not ready. */
  stuckAfterSeconds: number;
  /** METRICS_CACHE_MS: how long the database-derived gauges and readiness's migration list are reused. */
  cacheMs: number;
  /** READY_REQUIRED_PLUGINS: plugins that must be active for the instance to be ready. */
  requiredPlugins: string[];
}

/** How this process runs background jobs (both queue backends): JOB_LEASE_MS, JOB_SLOTS, JOB_STOP_GRACE_MS. */
export type JobsConfig = JobQueueSettings;

/** Requests allowed per window and bucket; 0 turns a bucket off. */
export interface RateLimitConfig {
  windowSeconds: number;
  /** Every /api/v1 request, per client IP. */
  perIp: number;
  /** Every authenticated request, per user or API key. */
  perPrincipal: number;
  /** Login, password and mail-sending routes, per client IP and per principal. */
  strict: number;
}

/** A bad configuration value: the message is one line naming the variable and what is wrong. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'production', 'test'];

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function port(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(name, `must be a port number from 0 to 65535 (got "${value}")`);
  return n;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${value}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${parsed.protocol}//...")`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${value}")`);
}

function count(env: Env, name: string, fallback: number, min = 0): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(name, `must be a whole number of at least ${min} (got "${value}")`);
  return n;
}

function hostPort(env: Env, name: string): { host: string; port: number } | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(name, `must be host:port, e.g. 127.0.0.1:9464 (got "${value}")`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

/** A duration for a timer: Node fires a longer one at once (and an interval every millisecond). */
function millis(env: Env, name: string, fallback: number, min: number): number {
  const n = count(env, name, fallback, min);
  if (n > MAX_TIMER_MS) throw new ConfigError(name, `must be at most ${MAX_TIMER_MS} ms (got "${env[name]}")`);
  return n;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** A time limit in ms: a Node timer keeps at most 2^31-1 ms (a longer one would fire at once). */
function timeoutMs(env: Env, name: string, fallback: number): number {
  const n = count(env, name, fallback, 1);
  if (n > 2_147_483_647) throw new ConfigError(name, `must be at most 2147483647 ms (got "${env[name]}")`);
  return n;
}

function workflowConfig(env: Env): WorkflowConfig {
  const leaseMs = count(env, 'WORKFLOW_LEASE_MS', 30_000, 50);
  return { leaseMs, sweepMs: count(env, 'WORKFLOW_SWEEP_MS', leaseMs, 10), concurrency: count(env, 'WORKFLOW_CONCURRENCY', 16, 1) };
}

function trustProxy(env: Env): number | string[] {
  const value = (env.TRUST_PROXY ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return 0;
  if (/^\d+$/.test(value)) return count(env, 'TRUST_PROXY', 0);
  const addresses = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (addresses.length === 0) return 0;
  try {
    proxyaddr.compile(addresses);
  } catch {
    throw new ConfigError('TRUST_PROXY', `must be a hop count (e.g. 1) or a comma-separated list of proxy addresses or CIDRs like 10.0.0.0/8, loopback (got "${value}")`);
  }
  return addresses;
}

/**
 * In embedded mode a secret is generated once and kept in DATA_DIR, so tokens survive restarts
 * without the operator having to invent one.
 */
function jwtSecret(env: Env, nodeEnv: NodeEnv, dataDir: string, persist: boolean): string {
  const value = env.JWT_SECRET;
  if (value !== undefined && value !== '') {
    if (value.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
    return value;
  }
  if (nodeEnv === 'production') throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  if (!persist) return randomBytes(32).toString('hex');
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * The keyring sealing stored secrets, apart from JWT_SECRET. Production on PostgreSQL has no
 * DATA_DIR worth trusting with it, so it must be given; embedded mode generates one into DATA_DIR.
 * Tests keep it in memory, derived from the JWT secret so that two platforms of one test share it.
 */
function encryptionKeys(env: Env, nodeEnv: NodeEnv, dataDir: string, databaseUrl: string | undefined, jwt: string, persist: boolean): Keyring {
  const parse = (value: string, where: string) => {
    try {
      return parseKeys(value);
    } catch (err) {
      throw new ConfigError(where, (err as Error).message);
    }
  };
  const value = env.MPANEL_ENCRYPTION_KEYS;
  if (value !== undefined && value !== '') return { keys: parse(value, 'MPANEL_ENCRYPTION_KEYS') };
  if (nodeEnv === 'production' && databaseUrl) throw new ConfigError('MPANEL_ENCRYPTION_KEYS', 'is required when NODE_ENV=production with DATABASE_URL (keyid:base64key, e.g. k1:$(openssl rand -base64 32))');
  if (!persist) return { keys: [{ id: 'memory', key: Buffer.from(hkdfSync('sha256', jwt, 'mpanel', 'mpanel:encryption-keys', 32)) }] };
  const file = join(dataDir, 'encryption-keys');
  if (existsSync(file)) return { keys: parse(readFileSync(file, 'utf8').trim(), file), file };
  mkdirSync(dataDir, { recursive: true });
  const keys = [newKey([])];
  writeFileSync(file, `${formatKeys(keys)}\n`, { mode: 0o600 });
  return { keys, file };
}

export interface LoadConfigOptions {
  /** Write the generated JWT secret to DATA_DIR (true for the server; tests keep it in memory). */
  persistSecrets?: boolean;
}

export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  const dataDir = resolve(env.DATA_DIR || './data');
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError('CORS_ORIGINS', `must be a comma-separated list of origins like https://panel.example.com (got "${origin}")`);
    }
  }
  // MPANEL_ALLOW_PRIVATE_WEBHOOKS is the older name, from when only webhooks were guarded.
  const allowPrivateTargets = bool(env, 'MPANEL_ALLOW_PRIVATE_TARGETS', false) || bool(env, 'MPANEL_ALLOW_PRIVATE_WEBHOOKS', false);
  const config: Omit<Config, 'jwtSecret' | 'encryptionKeys'> = {
    port: port(env, 'PORT', 2271),
    host: env.HOST || '0.0.0.0',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    appDatabaseUrl: url(env, 'DATABASE_APP_URL', ['postgres:', 'postgresql:']),
    appDatabasePassword: env.DATABASE_APP_PASSWORD || undefined,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    dataDir,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    nodeEnv,
    // Not the default nodeEnv: `npm start` without NODE_ENV must not show internals to clients.
    exposeErrorDetails: env.NODE_ENV === 'development',
    corsOrigins,
    publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:']),
    adminEmail: env.MPANEL_ADMIN_EMAIL || undefined,
    adminPassword: env.MPANEL_ADMIN_PASSWORD || undefined,
    allowPrivateTargets,
    allowPrivateWebhookTargets: allowPrivateTargets,
    platformDomains: (env.MPANEL_PLATFORM_DOMAINS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    trustProxy: trustProxy(env),
    rateLimit: {
      windowSeconds: count(env, 'RATE_LIMIT_WINDOW', 60, 1),
      perIp: count(env, 'RATE_LIMIT_IP', 1200),
      perPrincipal: count(env, 'RATE_LIMIT_PRINCIPAL', 600),
      strict: count(env, 'RATE_LIMIT_STRICT', 10),
    },
    backup: backupConfig(env, dataDir),
    role: oneOf(env, 'MPANEL_ROLE', PROCESS_ROLES, 'all'),
    ops: {
      metricsToken: env.METRICS_TOKEN || undefined,
      metricsAddr: hostPort(env, 'METRICS_ADDR'),
      stuckAfterSeconds: count(env, 'READY_STUCK_AFTER_SECONDS', 900, 1),
      cacheMs: count(env, 'METRICS_CACHE_MS', 5000),
      requiredPlugins: (env.READY_REQUIRED_PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    },
    jobs: {
      leaseMs: millis(env, 'JOB_LEASE_MS', DEFAULT_JOB_SETTINGS.leaseMs, 30),
      slots: count(env, 'JOB_SLOTS', DEFAULT_JOB_SETTINGS.slots, 1),
      stopGraceMs: millis(env, 'JOB_STOP_GRACE_MS', DEFAULT_JOB_SETTINGS.stopGraceMs, 0),
    },
    delivery: {
      eventConcurrency: count(env, 'MPANEL_EVENT_CONCURRENCY', 4, 1),
      eventHandlerTimeoutMs: timeoutMs(env, 'MPANEL_EVENT_HANDLER_TIMEOUT_MS', 30_000),
      webhookConcurrency: count(env, 'MPANEL_WEBHOOK_CONCURRENCY', 16, 1),
      webhookPerEndpoint: count(env, 'MPANEL_WEBHOOK_PER_ENDPOINT', 2, 1),
      webhookTimeoutMs: timeoutMs(env, 'MPANEL_WEBHOOK_TIMEOUT_MS', 10_000),
    },
    retention: retentionConfig(env, (variable, problem) => new ConfigError(variable, problem)),
    workflows: workflowConfig(env),
  };
  if (config.role !== 'all' && !config.databaseUrl) throw new ConfigError('MPANEL_ROLE', `${config.role} (--role ${config.role}) needs DATABASE_URL: embedded mode (PGlite) runs as one process, role all`);
  if (config.ops.metricsToken !== undefined && config.ops.metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  // Last: they may write generated secrets, and a bad configuration must write nothing.
  if (env.MPANEL_ENCRYPTION_KEYS) encryptionKeys(env, nodeEnv, dataDir, config.databaseUrl, '', false);
  const persist = options.persistSecrets ?? false;
  const jwt = jwtSecret(env, nodeEnv, dataDir, persist);
  return { ...config, jwtSecret: jwt, encryptionKeys: encryptionKeys(env, nodeEnv, dataDir, config.databaseUrl, jwt, persist) };
}

/** Reads `.env` in the working directory into process.env, without overriding what is set. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
