import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEnv } from '../../agent/src/ops/types.ts';
import { killByPidFile, need, pidOf, waitFor } from './processes.ts';
import { runOp } from '../../agent/src/ops/index.ts';
import { listAccounts } from '../../agent/src/ops/state.ts';
import { accountDatabases, accountDbUsers, account as dbAccount, ident, sql } from '../../agent/src/ops/mariadb.ts';

/**
 * A private hosting stack for tests (HOSTING.md §7.2, §7.5): nginx with its own prefix and a
 * default_server answering 444, a php-fpm master with a sentinel pool (a master with zero pools
 * dies on reload), optionally sshd for chrooted SFTP, and the preinstalled MariaDB as root over
 * its socket. Everything lives in one short temp dir (unix sockets must stay under 108 bytes);
 * stop() removes what the agent created there, then stops each process by its pid file.
 */
export interface HostingLab {
  env: AgentEnv;
  dir: string;
  nginxPort: number;
  tlsPort: number;
  sshPort: number | null;
  stop(): Promise<void>;
}

export const MARIADB_SOCKET = '/run/mysqld/mysqld.sock';

function findFpm(): string {
  const bins = existsSync('/usr/sbin') ? readdirSync('/usr/sbin').filter((f) => /^php-fpm\d+\.\d+$/.test(f)).sort() : [];
  if (!bins.length) throw new Error('php-fpm is not installed (run .ci/services/hosting.sh)');
  return `/usr/sbin/${bins[bins.length - 1]}`;
}

/** Last resort after a failed account.remove: the Linux users (and extra SFTP users), crontab, databases and database users. */
async function forceRemove(env: AgentEnv, username: string): Promise<void> {
  spawnSync('crontab', ['-u', username, '-r']);
  const users = await accountDbUsers(env, username).catch(() => []);
  const dbs = await accountDatabases(env, username).catch(() => []);
  const statements = [...dbs.map((d) => `DROP DATABASE IF EXISTS ${ident(d)};`), ...users.map((u) => `DROP USER IF EXISTS ${dbAccount(u)};`)];
  if (statements.length) await sql(env, statements.join('\n')).catch((e: Error) => console.error(`hosting lab: ${e.message}`));
  const logins = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')[0] ?? '').filter((n) => n.startsWith(`${username}_`));
  for (const login of [...logins, username]) spawnSync('userdel', ['--force', login]);
}

/** `tlsPort`: the HTTPS listener (default portBase+443), for suites confined to a port range. */
export async function startHostingLab(opts: { portBase: number; userPrefix?: string; sshd?: boolean; tlsPort?: number }): Promise<HostingLab> {
  if (process.getuid?.() !== 0) throw new Error('the hosting lab runs as root (useradd, chown, private nginx with user www-data)');
  const nginxBin = need('/usr/sbin/nginx', 'hosting', 'nginx');
  const fpmBin = findFpm();
  const mariadb = ['--socket=' + MARIADB_SOCKET, '--user=root'];
  const ping = spawnSync('mariadb', [...mariadb, '-e', 'SELECT 1'], { encoding: 'utf8' });
  if (ping.status !== 0) throw new Error(`MariaDB does not answer on ${MARIADB_SOCKET}: ${ping.stderr || ping.error?.message}`);

  // Under /run, not /tmp: sshd's ChrootDirectory needs every path component root-owned and not
  // world-writable, and /tmp is 1777. The path stays short for unix sockets.
  const dir = mkdtempSync('/run/mpl');
  chmodSync(dir, 0o755); // nginx workers (www-data) and the pools' users traverse it
  const d = (...p: string[]) => join(dir, ...p);
  for (const sub of ['home', 'acme', 'state', 'nginx/conf/sites', 'nginx/logs', 'nginx/tmp', 'nginx/run', 'fpm/pools', 'fpm/run', 'fpm/log']) mkdirSync(d(sub), { recursive: true, mode: 0o755 });
  chmodSync(d('state'), 0o700);
  const nginxPort = opts.portBase + 80;
  const tlsPort = opts.tlsPort ?? opts.portBase + 443;

  writeFileSync(d('nginx/conf/nginx.conf'), `user www-data; worker_processes 1; pid ${d('nginx/run/nginx.pid')}; error_log ${d('nginx/logs/error.log')} warn;
events { worker_connections 256; }
http { include /etc/nginx/mime.types; access_log ${d('nginx/logs/access.log')};
  client_body_temp_path ${d('nginx/tmp/client_body')}; proxy_temp_path ${d('nginx/tmp/proxy')}; fastcgi_temp_path ${d('nginx/tmp/fastcgi')};
  uwsgi_temp_path ${d('nginx/tmp/uwsgi')}; scgi_temp_path ${d('nginx/tmp/scgi')}; server_tokens off;
  server { listen 127.0.0.1:${nginxPort} default_server; return 444; }
  include ${d('nginx/conf/sites')}/*.conf; }
`);
  writeFileSync(d('fpm/php-fpm.conf'), `[global]
pid = ${d('fpm/run/php-fpm.pid')}
error_log = ${d('fpm/log/php-fpm.log')}
daemonize = yes
include = ${d('fpm/pools')}/*.conf
`);
  // The sentinel keeps the master alive when the last account's pool is removed.
  writeFileSync(d('fpm/pools/00-sentinel.conf'), `[sentinel]
user = nobody
group = nogroup
listen = ${d('fpm/run/sentinel.sock')}
pm = ondemand
pm.max_children = 1
`);

  let sshPort: number | null = null;
  const stops: Array<() => Promise<void>> = [];
  const env: AgentEnv = {
    homeRoot: d('home'),
    acmeRoot: d('acme'),
    stateDir: d('state'),
    nginx: { bin: nginxBin, prefix: d('nginx'), confFile: d('nginx/conf/nginx.conf'), sitesDir: d('nginx/conf/sites'), listen: `127.0.0.1:${nginxPort}`, tlsListen: `127.0.0.1:${tlsPort}`, reload: () => null },
    fpm: { bin: fpmBin, confFile: d('fpm/php-fpm.conf'), poolsDir: d('fpm/pools'), runDir: d('fpm/run'), pidFile: d('fpm/run/php-fpm.pid') },
    mariadb: { bin: 'mariadb', args: mariadb },
    userPrefix: opts.userPrefix ?? 'mpt',
    now: () => new Date(),
  };

  const stop = async () => {
    // What the agent created (users, databases, crontabs) goes first, through its own remove op.
    for (const account of await listAccounts(env).catch(() => [])) {
      const r = await runOp(env, 'account.remove', { username: account.username });
      if (!r.ok) {
        // A test that left the lab broken (say, a config nginx refuses) must still leave nothing on the machine.
        console.error(`hosting lab: could not remove ${account.username} (${r.message}); removing it by force`);
        await forceRemove(env, account.username);
      }
    }
    for (const s of stops.reverse()) await s();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    execFileSync(fpmBin, ['-t', '-y', env.fpm.confFile], { stdio: 'pipe' });
    execFileSync(fpmBin, ['-y', env.fpm.confFile], { stdio: 'pipe' });
    stops.push(() => killByPidFile(env.fpm.pidFile, 'SIGQUIT'));
    await waitFor('php-fpm', () => existsSync(d('fpm/run/sentinel.sock')));

    const nginxArgs = ['-p', `${d('nginx')}/`, '-c', env.nginx.confFile];
    execFileSync(nginxBin, [...nginxArgs, '-t', '-q'], { stdio: 'pipe' });
    execFileSync(nginxBin, nginxArgs, { stdio: 'pipe' });
    stops.push(() => killByPidFile(d('nginx/run/nginx.pid'), 'SIGQUIT'));
    await waitFor('nginx', () => pidOf(d('nginx/run/nginx.pid')) !== null);

    if (opts.sshd) {
      const sshd = need('/usr/sbin/sshd', 'hosting', 'openssh-server');
      sshPort = opts.portBase + 22;
      mkdirSync(d('sshd/conf.d'), { recursive: true, mode: 0o755 });
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir sshd insists on
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', d('sshd/host_ed25519')]);
      writeFileSync(d('sshd/sshd_config'), `ListenAddress 127.0.0.1
Port ${sshPort}
HostKey ${d('sshd/host_ed25519')}
PidFile ${d('sshd/sshd.pid')}
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
AllowTcpForwarding no
X11Forwarding no
Include ${d('sshd/conf.d')}/*.conf
`);
      env.sftp = { sshdConfigDir: d('sshd/conf.d'), bin: sshd, configFile: d('sshd/sshd_config'), pidFile: d('sshd/sshd.pid') };
      execFileSync(sshd, ['-t', '-f', d('sshd/sshd_config')], { stdio: 'pipe' });
      execFileSync(sshd, ['-f', d('sshd/sshd_config'), '-E', d('sshd/sshd.log')], { stdio: 'pipe' });
      stops.push(() => killByPidFile(d('sshd/sshd.pid')));
      await waitFor('sshd', () => pidOf(d('sshd/sshd.pid')) !== null);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, dir, nginxPort, tlsPort, sshPort, stop };
}
