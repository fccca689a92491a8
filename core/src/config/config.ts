import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { formatKeys, newKey, parseKeys, type Keyring } from '../crypto/keyring.ts';
import { join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';

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
    workflows: workflowConfig(env),
  };
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
