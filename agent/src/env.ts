import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentEnv } from './ops/index.ts';

/** A hosting server's usual layout (Debian: nginx, php8.2-fpm, MariaDB over its socket). */
export function productionEnv(): AgentEnv {
  return {
    homeRoot: '/home',
    acmeRoot: '/var/lib/mpanel-agent/acme',
    nginx: {
      bin: '/usr/sbin/nginx', prefix: '/etc/nginx', confFile: '/etc/nginx/nginx.conf', sitesDir: '/etc/nginx/conf.d/mpanel', listen: '80', tlsListen: '443',
      // null: the ops reload with `nginx -p <prefix> -c <confFile> -s reload`, so a layout from env.json
      // (JSON carries no function) reloads its own nginx, never the machine's.
      reload: () => null,
    },
    fpm: { bin: '/usr/sbin/php-fpm8.2', confFile: '/etc/php/8.2/fpm/php-fpm.conf', poolsDir: '/etc/php/8.2/fpm/pool.d', runDir: '/run/php', pidFile: '/run/php/php8.2-fpm.pid' },
    mariadb: { bin: '/usr/bin/mariadb', args: ['--socket=/run/mysqld/mysqld.sock'] },
    sftp: { sshdConfigDir: '/etc/ssh/sshd_config.d' },
    // Mail (HOSTING.md §2): main.cf points virtual_mailbox_domains/_maps, virtual_alias_maps and a
    // check_recipient_access at texthash:<mapsDir>/{vdomains,vmailboxes,valiases,vbounce}; Dovecot's
    // passdb/userdb are passwd-file `<passwdDir>/%d`; OpenDKIM reads <dkim.dir>/{KeyTable,SigningTable}.
    mail: {
      postfixBin: '/usr/sbin/postfix', postfixConfDir: '/etc/postfix', mapsDir: '/etc/postfix/mpanel',
      dovecotConf: '/etc/dovecot/dovecot.conf', doveconfBin: '/usr/bin/doveconf', passwdDir: '/etc/dovecot/mpanel-passwd.d', dovecotGroup: 'dovecot',
      dkim: { dir: '/etc/opendkim/mpanel', pidFile: '/run/opendkim/opendkim.pid', user: 'opendkim', bin: '/usr/sbin/opendkim', confFile: '/etc/opendkim.conf' },
    },
    userPrefix: '',
    now: () => new Date(),
  };
}

/**
 * The environment ops run in: the production layout, with any fields of `<state-dir>/env.json`
 * laid over it (a server with another layout, or a lab in tests).
 */
export async function loadEnv(stateDir: string): Promise<AgentEnv> {
  const env = productionEnv();
  let overrides: Partial<AgentEnv> = {};
  try {
    overrides = JSON.parse(await readFile(join(stateDir, 'env.json'), 'utf8')) as Partial<AgentEnv>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { ...env, ...overrides, nginx: { ...env.nginx, ...overrides.nginx }, fpm: { ...env.fpm, ...overrides.fpm }, mariadb: { ...env.mariadb, ...overrides.mariadb }, ...(overrides.mail === null ? { mail: undefined } : {}), now: env.now };
}
