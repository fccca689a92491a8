import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  /** Error details (message, stack) in 500 answers: only when NODE_ENV=development is set explicitly. */
  exposeErrorDetails: boolean;
  corsOrigins: string[];
  /** The public base URL, printed at start and used in links. */
  publicUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Allow outgoing webhooks to private and loopback addresses (tests, on-premise). */
  allowPrivateWebhookTargets: boolean;
  /**
   * Which proxies in front of mPanel to believe about the client address (X-Forwarded-For): a hop
   * count, or proxy addresses/CIDRs (`proxy-addr` forms, e.g. `loopback`, `10.0.0.0/8`). 0: none.
   */
  trustProxy: number | string[];
  rateLimit: RateLimitConfig;
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
  const config: Omit<Config, 'jwtSecret'> = {
    port: port(env, 'PORT', 2271),
    host: env.HOST || '0.0.0.0',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
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
    allowPrivateWebhookTargets: bool(env, 'MPANEL_ALLOW_PRIVATE_WEBHOOKS', false),
    trustProxy: trustProxy(env),
    rateLimit: {
      windowSeconds: count(env, 'RATE_LIMIT_WINDOW', 60, 1),
      perIp: count(env, 'RATE_LIMIT_IP', 1200),
      perPrincipal: count(env, 'RATE_LIMIT_PRINCIPAL', 600),
      strict: count(env, 'RATE_LIMIT_STRICT', 10),
    },
  };
  // Last: it may write the generated secret, and a bad configuration must write nothing.
  return { ...config, jwtSecret: jwtSecret(env, nodeEnv, dataDir, options.persistSecrets ?? false) };
}

/** Reads `.env` in the working directory into process.env, without overriding what is set. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
