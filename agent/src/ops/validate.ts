import { OpError } from './types.ts';

/**
 * Strict input patterns: every value that reaches a file, a config or SQL passes one of these first.
 * Config files are line-based, so nothing here may contain whitespace, quotes or control characters
 * unless the caller quotes it itself.
 */
function invalid(what: string, value: unknown): never {
  throw new OpError('INVALID_INPUT', `Invalid ${what}: ${JSON.stringify(value)?.slice(0, 100)}`);
}

/** Linux username: no '_' (database names are '<user>_<x>', so one account's prefix never covers another's) and no '-'. */
const USERNAME = /^[a-z][a-z0-9]{1,15}$/;
const RESERVED = new Set(['root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'backup', 'list', 'irc', 'gnats', 'nobody', 'admin', 'administrator', 'www', 'wwwdata', 'nginx', 'apache', 'mysql', 'mariadb', 'postgres', 'redis', 'sshd', 'ftp', 'sftp', 'postfix', 'dovecot', 'hestia', 'mpanel', 'test', 'user', 'guest', 'operator', 'systemd', 'messagebus', 'polkitd', 'staff', 'sudo', 'adm', 'wheel']);

export function username(value: unknown, prefix: string): string {
  if (typeof value !== 'string' || !USERNAME.test(value) || RESERVED.has(value)) invalid('username', value);
  if (prefix && !value.startsWith(prefix)) invalid(`username (must start with "${prefix}")`, value);
  return value;
}

/** An SFTP login: the account's own user, or '<username>_<name>' sharing its uid (the panel's extra SFTP users). */
export function sftpUsername(value: unknown, owner: string): string {
  if (typeof value !== 'string' || (value !== owner && !new RegExp(`^${owner}_[a-z0-9]{1,12}$`).test(value))) invalid(`SFTP username (must be "${owner}" or "${owner}_<a-z0-9>")`, value);
  return value;
}

export function id(value: unknown, what = 'id'): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(value)) invalid(what, value);
  return value;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$`);
export function domain(value: unknown, opts: { wildcard?: boolean } = {}): string {
  if (typeof value !== 'string') invalid('domain', value);
  const name = opts.wildcard && value.startsWith('*.') ? value.slice(2) : value;
  if (!DOMAIN.test(name)) invalid('domain', value);
  return value;
}

/** A path relative to the account's home, under web/ (the only tree its PHP may read). */
export function docroot(value: unknown, fallback: string): string {
  const v = value === undefined || value === null || value === '' ? fallback : value;
  if (typeof v !== 'string' || !/^web(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){1,8}$/.test(v) || v.split('/').some((s) => s === '.' || s === '..')) invalid('document root (a path under web/)', v);
  return v;
}

export function phpVersion(value: unknown): string {
  if (typeof value !== 'string' || !/^[5-9]\.[0-9]{1,2}$/.test(value)) invalid('PHP version', value);
  return value;
}

export function int(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) invalid(what, value);
  return value;
}

/** MariaDB database or user name owned by an account: '<username>_<suffix>', letters, digits and '_'. */
export function dbIdentifier(value: unknown, owner: string, what: string, max: number): string {
  if (typeof value !== 'string' || value.length > max || !/^[a-z0-9_]+$/.test(value) || !value.startsWith(`${owner}_`) || value.length <= owner.length + 1) {
    invalid(`${what} (must be "${owner}_…", a-z 0-9 _, at most ${max} characters)`, value);
  }
  return value;
}

/** Printable ASCII without backslash, so quoting by doubling ' is correct in every sql_mode. */
export function dbPassword(value: unknown): string {
  if (typeof value !== 'string' || !/^[\x20-\x5b\x5d-\x7e]{8,128}$/.test(value)) invalid('database password (8-128 printable ASCII characters, no backslash)', '***');
  return value;
}

const CRON_FIELD = /^(\*|[0-9]{1,2}(-[0-9]{1,2})?)(\/[0-9]{1,2})?(,(\*|[0-9]{1,2}(-[0-9]{1,2})?)(\/[0-9]{1,2})?)*$/;
const CRON_NAMED = /^[0-9a-z*,/-]+$/;
export function cronSchedule(value: unknown): string {
  if (typeof value !== 'string') invalid('cron schedule', value);
  if (['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight'].includes(value)) return value;
  const fields = value.split(' ');
  if (fields.length !== 5) invalid('cron schedule (5 fields)', value);
  fields.forEach((f, i) => {
    // Month and weekday accept names (jan, mon); the others numbers only.
    if (!(CRON_FIELD.test(f) || (i >= 3 && CRON_NAMED.test(f) && /^[a-z*,/0-9-]{1,40}$/.test(f)))) invalid('cron schedule', value);
  });
  return value;
}

/** A command run by the account's own user: any text on one line (a newline would add a crontab entry). */
export function cronCommand(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1000 || /[\0-\x1f\x7f]/.test(value)) invalid('cron command (one line, at most 1000 characters)', value);
  return value;
}

export function passwordHash(value: unknown): string {
  if (typeof value !== 'string' || !/^\$(1|5|6|y|2[aby]|gy|7)\$[./A-Za-z0-9$=,-]{8,200}$/.test(value)) invalid('password hash (crypt format)', '***');
  return value;
}

export function authorizedKey(value: unknown): string {
  // A key line starts with its type: options such as command="…" or from="…" are refused.
  if (typeof value !== 'string' || !/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]{16,8192}={0,3}( [\x20-\x7e]{0,200})?$/.test(value)) invalid('SSH public key', String(value).slice(0, 40));
  return value;
}

export function pem(value: unknown, what: 'certificate' | 'private key'): string {
  const re = what === 'certificate'
    ? /^(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?)+$/
    : /^-----BEGIN (RSA |EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA |EC )?PRIVATE KEY-----\r?\n?$/;
  if (typeof value !== 'string' || value.length > 64 * 1024 || !re.test(value.trim() + '\n')) invalid(`PEM ${what}`, '…');
  return value.trim() + '\n';
}

export function acmeToken(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{8,256}$/.test(value)) invalid('ACME token', value);
  return value;
}

export function keyAuthorization(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{8,256}\.[A-Za-z0-9_-]{8,256}$/.test(value)) invalid('ACME key authorization', value);
  return value;
}

export function state(value: unknown): 'active' | 'suspended' {
  if (value !== 'active' && value !== 'suspended') invalid('state', value);
  return value;
}

export function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(what, value);
  return value as Record<string, unknown>;
}
