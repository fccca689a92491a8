import { randomInt } from 'node:crypto';

/**
 * Linux user names of hosting accounts: generated from the domain's stem plus a random suffix
 * (guessing one account's name from another's tells nothing), lowercase, at most 16 characters
 * (the lab's `useradd` and MariaDB user names are comfortable there), never one of the names below,
 * unique per server across tenants (resellers share servers; `isTaken` asks the database).
 */

/** HestiaCP's reserved names plus the system users of a Debian hosting server. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  // Hestia (v-add-user refuses these) and panel names
  'admin', 'administrator', 'hestia', 'hestiaweb', 'hestiamail', 'vesta', 'mpanel', 'mpanelagent', 'agent', 'panel',
  // Debian base system
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'wwwdata', 'backup',
  'list', 'irc', 'gnats', 'nobody', 'nogroup', 'operator', 'shutdown', 'halt', 'messagebus', 'sshd', 'systemd', 'apt',
  'polkitd', 'avahi', 'tss', 'uuidd', 'tcpdump', 'dnsmasq', 'ntp', 'chrony', 'syslog', 'statd', 'rpc', 'usbmux',
  // services a hosting server runs
  'www', 'web', 'http', 'https', 'nginx', 'apache', 'apache2', 'httpd', 'php', 'phpfpm', 'fpm', 'mysql', 'mariadb',
  'postgres', 'postgresql', 'redis', 'memcache', 'memcached', 'postfix', 'dovecot', 'dovenull', 'exim', 'exim4',
  'clamav', 'clamsam', 'spamd', 'spamassassin', 'amavis', 'opendkim', 'opendmarc', 'bind', 'named', 'pdns', 'powerdns',
  'ftp', 'sftp', 'ssh', 'proftpd', 'vsftpd', 'pureftpd', 'fail2ban', 'certbot', 'letsencrypt', 'acme', 'roundcube',
  'phpmyadmin', 'pma', 'webmail', 'filemanager', 'docker', 'lxd', 'node', 'nodejs',
  // mail role addresses and generic names that confuse staff
  'webmaster', 'postmaster', 'hostmaster', 'abuse', 'security', 'support', 'info', 'noreply', 'user', 'users', 'test',
  'guest', 'default', 'staff', 'sudo', 'wheel', 'adm', 'public', 'html', 'home', 'tmp', 'var', 'etc', 'dev', 'proc',
]);

const MAX = 16;
const SUFFIX = 4;
const STEM_MAX = 10;
export const USERNAME_PATTERN = /^[a-z][a-z0-9]{1,15}$/;

/** Why a chosen name is refused, or null when it is fine (format and reserved list only). */
export function usernameProblem(name: string): string | null {
  if (!USERNAME_PATTERN.test(name)) return 'must be 2 to 16 lowercase letters or digits, starting with a letter';
  if (RESERVED_USERNAMES.has(name)) return 'is reserved';
  return null;
}

/** `www.My-Shop.co.uk` → `myshop`; a stem without a leading letter gets one (`2fast.io` → `u2fast`). */
export function domainStem(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  const first = (labels[0] === 'www' && labels.length > 2 ? labels[1] : labels[0]) ?? '';
  let stem = first.normalize('NFKD').replace(/[^a-z0-9]/g, '');
  if (!/^[a-z]/.test(stem)) stem = `u${stem}`;
  return stem.slice(0, STEM_MAX);
}

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no l/1/o/0: names get read out on the phone

function suffix(random: (max: number) => number): string {
  return Array.from({ length: SUFFIX }, () => ALPHABET[random(ALPHABET.length)]).join('');
}

export class UsernameExhaustedError extends Error {}

/**
 * A free, valid name for an account on a server: `<stem><4 random>`. `isTaken` checks the server
 * (the database's unique index stays the final word under concurrency).
 */
export async function generateUsername(
  domain: string,
  isTaken: (name: string) => Promise<boolean>,
  random: (max: number) => number = (max) => randomInt(max),
): Promise<string> {
  const stem = domainStem(domain);
  for (let attempt = 0; attempt < 20; attempt++) {
    const name = `${stem}${suffix(random)}`.slice(0, MAX);
    if (usernameProblem(name) === null && !(await isTaken(name))) return name;
  }
  throw new UsernameExhaustedError(`no free user name for ${domain} after 20 attempts`);
}
