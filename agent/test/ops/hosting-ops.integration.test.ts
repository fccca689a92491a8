import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { HostingPlanLimits } from '@mpanel/sdk';
import { startHostingLab, MARIADB_SOCKET, type HostingLab } from '../../../test/support/hosting-lab.ts';
import { runOp, type AgentEnv, type OpResult } from '../../src/ops/index.ts';
import { nginxReloads } from '../../src/ops/nginx.ts';

/**
 * The agent's ops on real services (HOSTING.md §7.2): a private nginx, php-fpm master and sshd,
 * the machine's MariaDB. Fails (never skips) when a service is missing: `.ci/services/hosting.sh`
 * installs them. Ports 30080 (http), 30443 (https), 30022 (sshd).
 */
describe('agent ops on real nginx, php-fpm, MariaDB, sshd', function () {
  this.timeout(300_000); // a loaded 2-core machine: one test waits on several reloads, each ≥ 1 s apart
  let lab: HostingLab;
  let env: AgentEnv;
  const tag = randomBytes(3).toString('hex').replace(/^\d/, 'x');
  const u1 = `mpt${tag}a`;
  const u2 = `mpt${tag}b`;
  const d1 = `shop-${tag}.test`;
  const d2 = `blog-${tag}.test`;
  const db1 = { kind: 'database' as const, id: 'db1', engine: 'mariadb' as const, name: `${u1}_shop`, user: `${u1}_shop`, password: `Pw-${tag}-one'1`, maxConnections: 5, state: 'active' as const };
  const plan: HostingPlanLimits = { diskMb: 1000, sites: 3, databases: 2, cronJobs: 3, phpVersions: ['8.2'], phpMaxChildren: 3, memoryMb: null };
  let phpVersion: string;
  let key: string;

  const op = async (name: string, params: Record<string, unknown>, e: AgentEnv = env): Promise<OpResult> => runOp(e, name, params);
  const ok = async (name: string, params: Record<string, unknown>): Promise<OpResult> => {
    const r = await op(name, params);
    assert.ok(r.ok, `${name} failed: ${r.code} ${r.message}`);
    return r;
  };
  const site = (username: string, id: string, domain: string, extra: Record<string, unknown> = {}) => ({
    username, site: { kind: 'site', id, domain, aliases: [`www.${domain}`], docroot: '', php: { version: phpVersion, maxChildren: 3 }, tls: null, state: 'active', ...extra },
  });
  const docroot = (username: string, domain: string) => join(env.homeRoot, username, 'web', domain, 'public_html');
  const userFile = (username: string, path: string, content: string) => {
    writeFileSync(path, content, { mode: 0o640 });
    const uid = Number(execFileSync('id', ['-u', username]).toString());
    chownSync(path, uid, Number(execFileSync('id', ['-g', username]).toString()));
  };

  /** GET through the lab nginx with a Host header; null when nginx closes the connection (444). */
  const get = (host: string, path = '/index.php', port = lab.nginxPort) => new Promise<{ status: number; body: string } | null>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: res.statusCode === 301 ? `→ ${res.headers.location} ${body}` : body }));
    });
    req.on('error', () => resolve(null));
    req.end();
  });
  const dbLogin = (user: string, password: string, sql: string) =>
    spawnSync('mariadb', [`--socket=${MARIADB_SOCKET}`, '-u', user, '-N', '-e', sql], { env: { ...process.env, MYSQL_PWD: password }, encoding: 'utf8' });
  const sftp = (username: string) => spawnSync('sftp', ['-b', '-', '-i', key, '-P', String(lab.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `${username}@127.0.0.1`], { input: 'ls\n', encoding: 'utf8' });
  const fpmPid = () => Number(readFileSync(env.fpm.pidFile, 'utf8').trim());
  const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

  before(async function () {
    lab = await startHostingLab({ portBase: 30000, sshd: true });
    env = lab.env;
    phpVersion = /PHP (\d+\.\d+)/.exec(execFileSync(env.fpm.bin, ['-v']).toString())![1]!;
    key = join(lab.dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  });

  after(async function () {
    if (!lab) return;
    await lab.stop();
    // Nothing of the suite may be left on the machine.
    for (const u of [u1, u2, `${u1}_dev`]) assert.notEqual(spawnSync('id', [u]).status, 0, `${u} still exists`);
    const left = execFileSync('mariadb', [`--socket=${MARIADB_SOCKET}`, '-N', '-e', `SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'mpt${tag}%'; SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'mpt${tag}%';`]).toString().trim().split('\n');
    assert.deepEqual(left, ['0', '0']);
    assert.equal(existsSync(lab.dir), false);
  });

  it('creates an account, a site and a database: the page runs as the account and reaches its database', async function () {
    const created = await ok('account.ensure', { username: u1, state: 'active', plan });
    assert.deepEqual(created.steps.map((s) => s.name).slice(0, 2), ['linux user', 'home layout']);
    assert.ok(created.steps.every((s) => typeof s.ms === 'number' && s.ok));
    await ok('site.ensure', site(u1, 'site1', d1));
    await ok('db.ensure', { username: u1, database: db1 });
    userFile(u1, join(docroot(u1, d1), 'index.php'), `<?php
echo 'user=', posix_getpwuid(posix_geteuid())['name'], "\\n";
mysqli_report(MYSQLI_REPORT_OFF);
$m = @new mysqli('localhost', '${db1.user}', '${db1.password.replace(/'/g, "\\'")}', '${db1.name}', 0, '${MARIADB_SOCKET}');
echo $m->connect_errno ? 'db=fail ' . $m->connect_error : 'db=' . $m->query('SELECT DATABASE()')->fetch_row()[0], "\\n";
echo 'shadow=', @file_get_contents('/etc/shadow') === false ? 'denied' : 'READ', "\\n";
echo 'exec=', function_exists('shell_exec') ? 'available' : 'disabled', "\\n";
`);
    const page = await get(d1);
    assert.equal(page?.status, 200, page?.body);
    assert.match(page!.body, new RegExp(`^user=${u1}$`, 'm'));
    assert.match(page!.body, new RegExp(`^db=${db1.name}$`, 'm'));
    assert.match(page!.body, /^shadow=denied$/m);
    assert.match(page!.body, /^exec=disabled$/m);
    assert.equal((await get(`www.${d1}`))?.status, 200, 'aliases are served');

    const home = statSync(join(env.homeRoot, u1));
    assert.equal(home.mode & 0o777, 0o711);
    assert.equal(home.uid, 0, 'the home is root-owned (an SFTP chroot must be)');
    const pub = statSync(docroot(u1, d1));
    assert.equal(pub.mode & 0o777, 0o750);
    assert.equal(pub.gid, Number(execFileSync('id', ['-g', 'www-data']).toString()));
    assert.equal(statSync(join(env.homeRoot, u1, 'tmp')).mode & 0o777, 0o700);
    const pool = readFileSync(join(env.fpm.poolsDir, `${u1}.conf`), 'utf8');
    assert.match(pool, /^pm = ondemand$/m);
    assert.match(pool, /^pm.max_children = 3$/m);
    assert.match(pool, new RegExp(`open_basedir\\] = ${join(env.homeRoot, u1)}/web/`));
    const grants = execFileSync('mariadb', [`--socket=${MARIADB_SOCKET}`, '-N', '-e', `SHOW GRANTS FOR '${db1.user}'@'localhost'`]).toString();
    assert.doesNotMatch(grants, /ON \*\.\* TO .*(ALL|SELECT)/, 'no global privileges');
    assert.match(grants, /MAX_USER_CONNECTIONS 5/);
  });

  it('ensure twice changes nothing (no rewrite, no reload)', async function () {
    const vhost = join(env.nginx.sitesDir, `${u1}--site1.conf`);
    const pool = join(env.fpm.poolsDir, `${u1}.conf`);
    const before = [statSync(vhost).mtimeMs, statSync(pool).mtimeMs];
    const again = await ok('account.ensure', { username: u1, state: 'active', plan });
    const siteAgain = await ok('site.ensure', site(u1, 'site1', d1));
    await ok('db.ensure', { username: u1, database: db1 });
    assert.deepEqual([statSync(vhost).mtimeMs, statSync(pool).mtimeMs], before);
    assert.ok(!siteAgain.steps.some((s) => s.name === 'verify'), 'no reload when nothing changed');
    assert.equal((again.observed as { status: string }).status, 'active');
    assert.equal((await get(d1))?.status, 200);
  });

  it("account 2's PHP cannot read account 1's files", async function () {
    await ok('account.ensure', { username: u2, state: 'active', plan });
    await ok('site.ensure', site(u2, 'site2', d2));
    userFile(u1, join(docroot(u1, d1), 'secret.php'), '<?php // s3cr3t-of-account-1');
    userFile(u2, join(docroot(u2, d2), 'index.php'), `<?php
$target = '${join(docroot(u1, d1), 'secret.php')}';
echo 'read=', @file_get_contents($target) === false ? 'denied' : 'LEAKED', "\\n";
echo 'list=', @scandir('${join(env.homeRoot, u1)}') === false ? 'denied' : 'LEAKED', "\\n";
echo 'user=', posix_getpwuid(posix_geteuid())['name'], "\\n";
`);
    const page = await get(d2);
    assert.equal(page?.status, 200, page?.body);
    assert.match(page!.body, /^read=denied$/m);
    assert.match(page!.body, /^list=denied$/m);
    assert.match(page!.body, new RegExp(`^user=${u2}$`, 'm'));
    // nginx itself (www-data reads every public_html) does not follow account 2's symlink to account 1's file.
    writeFileSync(join(docroot(u1, d1), 'notes.txt'), 's3cr3t notes of account 1', { mode: 0o644 });
    execFileSync('chown', [`${u1}:${u1}`, join(docroot(u1, d1), 'notes.txt')]);
    assert.equal((await get(d1, '/notes.txt'))?.status, 200, 'a static file nginx may read');
    execFileSync('ln', ['-s', join(docroot(u1, d1), 'notes.txt'), join(docroot(u2, d2), 'leak.txt')]);
    execFileSync('chown', ['-h', `${u2}:${u2}`, join(docroot(u2, d2), 'leak.txt')]);
    const leak = await get(d2, '/leak.txt');
    assert.equal(leak?.status, 403);
    assert.doesNotMatch(leak!.body, /s3cr3t/);
    // Without open_basedir, Unix permissions alone still deny it: account 2's user cannot read it either.
    const asUser = spawnSync('setpriv', ['--reuid', u2, '--regid', u2, '--clear-groups', 'cat', join(docroot(u1, d1), 'secret.php')], { encoding: 'utf8' });
    assert.notEqual(asUser.status, 0);
    assert.match(asUser.stderr, /Permission denied/);
  });

  it('a domain served by another account is refused', async function () {
    const r = await op('site.ensure', site(u2, 'steal', d1));
    assert.equal(r.code, 'CONFLICT');
    assert.equal((await get(d1))?.body.includes(`user=${u1}`), true);
  });

  it('suspend: 503, database login refused, SFTP refused, cron commented; unsuspend: all back', async function () {
    await ok('sftp.ensure', { username: u1, sftp: { kind: 'sftpUser', id: 'sftp1', username: u1, authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()], root: 'web', state: 'active' } });
    await ok('cron.ensure', { username: u1, cron: { kind: 'cron', id: 'cron1', schedule: '*/5 * * * *', command: 'php ~/web/cron.php > /dev/null', state: 'active' } });
    await ok('sftp.ensure', { username: u1, sftp: { kind: 'sftpUser', id: 'sftp2', username: `${u1}_dev`, authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()], root: 'web', state: 'active' } });
    const login = sftp(u1);
    assert.equal(login.status, 0, login.stderr);
    assert.match(login.stdout, new RegExp(d1));
    const dev = sftp(`${u1}_dev`);
    assert.equal(dev.status, 0, dev.stderr);
    assert.equal(execFileSync('id', ['-u', `${u1}_dev`]).toString(), execFileSync('id', ['-u', u1]).toString(), 'an extra SFTP user shares the account uid');
    assert.equal(dbLogin(db1.user, db1.password, 'SELECT 1').status, 0);

    const suspended = await ok('account.ensure', { username: u1, state: 'suspended', plan });
    assert.equal((suspended.observed as { status: string }).status, 'suspended');
    const page = await get(d1);
    assert.equal(page?.status, 503);
    assert.match(page!.body, /temporarily unavailable/);
    assert.equal((await get(d2))?.status, 200, 'the other account keeps serving');
    const refused = dbLogin(db1.user, db1.password, 'SELECT 1');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /locked|denied/i);
    assert.notEqual(sftp(u1).status, 0, 'SFTP refused while suspended');
    assert.notEqual(sftp(`${u1}_dev`).status, 0, 'the extra SFTP user too');
    assert.match(execFileSync('chage', ['-l', u1]).toString(), /Account expires\s*:\s*Jan 02, 1970/);
    assert.match(execFileSync('crontab', ['-u', u1, '-l']).toString(), /^# \*\/5 \* \* \* \* php/m);
    assert.equal(existsSync(join(env.fpm.poolsDir, `${u1}.conf`)), false, 'the pool is gone while suspended');
    const seen = await ok('observe', { username: u1 });
    const resources = (seen.observed as { resources: Array<{ kind: string; state?: string }> }).resources;
    assert.deepEqual(resources.filter((r) => r.kind === 'site').map((r) => r.state), ['suspended']);
    // The ACME location survives suspension (renewals keep working).
    await ok('acme.token.put', { siteId: 'site1', token: 'tok_abcdefgh12345678', keyAuthorization: 'tok_abcdefgh12345678.thumbprint-xyz' });
    const token = await get(d1, '/.well-known/acme-challenge/tok_abcdefgh12345678');
    assert.equal(token?.status, 200);
    assert.equal(token?.body, 'tok_abcdefgh12345678.thumbprint-xyz');
    await ok('acme.token.delete', { siteId: 'site1', token: 'tok_abcdefgh12345678' });
    assert.equal((await get(d1, '/.well-known/acme-challenge/tok_abcdefgh12345678'))?.status, 404);

    await ok('account.ensure', { username: u1, state: 'active', plan });
    const back = await get(d1);
    assert.equal(back?.status, 200);
    assert.match(back!.body, new RegExp(`^db=${db1.name}$`, 'm'));
    assert.equal(sftp(u1).status, 0, 'SFTP works again');
    assert.equal(sftp(`${u1}_dev`).status, 0);
    await ok('sftp.remove', { username: u1, sftpUsername: `${u1}_dev` });
    assert.notEqual(spawnSync('id', [`${u1}_dev`]).status, 0);
    await ok('sftp.ensure', { username: u1, sftp: { kind: 'sftpUser', id: 'sftp2', username: `${u1}_dev`, authorizedKeys: [], root: 'web', state: 'active' } });
    assert.match(execFileSync('crontab', ['-u', u1, '-l']).toString(), /^\*\/5 \* \* \* \* php/m);
    await ok('cron.remove', { username: u1, cronId: 'cron1' });
    assert.notEqual(spawnSync('crontab', ['-u', u1, '-l']).status, 0, 'the empty crontab is removed');
  });

  it('a suspended database resource is revoked: SELECT denied, then granted again', async function () {
    await ok('db.ensure', { username: u1, database: { ...db1, state: 'suspended' } });
    const denied = dbLogin(db1.user, db1.password, `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='${db1.name}'; USE ${db1.name};`);
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /denied/i);
    const r = await ok('db.ensure', { username: u1, database: db1 });
    assert.equal((r.observed as { state: string }).state, 'active');
    assert.equal(dbLogin(db1.user, db1.password, `USE ${db1.name}; SELECT 1`).status, 0);
  });

  it('a database removed by the resource id alone (all the panel keeps) is dropped with its user', async function () {
    const extra = { ...db1, id: `${db1.id}-extra`, name: `${u1}_extra`, user: `${u1}_extra` };
    await ok('db.ensure', { username: u1, database: extra });
    assert.equal(dbLogin(extra.user, extra.password, `USE ${extra.name}; SELECT 1`).status, 0);
    const r = await ok('db.remove', { username: u1, databaseId: extra.id });
    assert.equal((r.observed as { exists: boolean }).exists, false);
    assert.notEqual(dbLogin(extra.user, extra.password, 'SELECT 1').status, 0, 'the user is gone');
    const schemas = execFileSync('mariadb', [`--socket=${MARIADB_SOCKET}`, '-N', '-e', `SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='${extra.name}'`]).toString().trim();
    assert.equal(schemas, '0', 'the database is gone');
    // Again: nothing left to drop, still a success.
    await ok('db.remove', { username: u1, databaseId: extra.id });
  });

  it('a broken nginx config is rolled back and the other sites keep serving', async function () {
    const broken = join(env.nginx.sitesDir, 'zz-manual-edit.conf');
    writeFileSync(broken, 'server { listen 127.0.0.1:30080; this_is_not_a_directive on; }\n');
    try {
      const vhost = join(env.nginx.sitesDir, `${u2}--site2.conf`);
      const before = readFileSync(vhost, 'utf8');
      const r = await op('site.ensure', site(u2, 'site2', d2, { aliases: [`new.${d2}`] }));
      assert.equal(r.ok, false);
      assert.equal(r.code, 'REMOTE_ERROR');
      assert.equal(r.retryable, false);
      assert.match(r.message!, /unknown directive "this_is_not_a_directive"/);
      assert.equal(readFileSync(vhost, 'utf8'), before, 'the vhost was rolled back');
      assert.equal((await get(d1))?.status, 200);
      assert.equal((await get(d2))?.status, 200);
    } finally {
      execFileSync('rm', ['-f', broken]);
    }
  });

  it('a certificate nginx refuses (key of another pair) is rolled back; a good one serves HTTPS and redirects', async function () {
    const certs = join(lab.dir, 'certs');
    execFileSync('mkdir', ['-p', certs]);
    for (const n of ['a', 'b']) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${d2}`, '-addext', `subjectAltName=DNS:${d2},DNS:www.${d2}`, '-keyout', join(certs, `${n}.key`), '-out', join(certs, `${n}.crt`)], { stdio: 'pipe' });
    }
    const pem = (n: string) => readFileSync(join(certs, n), 'utf8');
    const bad = await op('site.ensure', site(u2, 'site2', d2, { tls: { certPem: pem('a.crt'), keyPem: pem('b.key'), forceHttps: false } }));
    assert.equal(bad.code, 'REMOTE_ERROR');
    assert.match(bad.message!, /key values mismatch|SSL_CTX_use_PrivateKey/);
    assert.equal((await get(d2))?.status, 200);

    await ok('site.ensure', site(u2, 'site2', d2, { tls: { certPem: pem('a.crt'), keyPem: pem('a.key'), forceHttps: true } }));
    const redirect = await get(d2, '/index.php');
    assert.equal(redirect?.status, 301, redirect?.body);
    const https = spawnSync('curl', ['-sS', '--http2', '-k', '-o', '/dev/null', '-w', '%{http_code} %{http_version}', '--resolve', `${d2}:${lab.tlsPort}:127.0.0.1`, `https://${d2}:${lab.tlsPort}/index.php`], { encoding: 'utf8' });
    assert.equal(https.stdout, '200 2', https.stderr);
    const served = () => spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${lab.tlsPort}`, '-servername', d2], { input: '', encoding: 'utf8' }).stdout;
    const fingerprint = (crt: string) => execFileSync('openssl', ['x509', '-noout', '-serial', '-in', join(certs, crt)]).toString().trim().replace('serial=', '');
    // cert.install: a mismatched pair is refused and the working pair stays; a good pair is served.
    const refused = await op('cert.install', { username: u2, siteId: 'site2', domain: d2, certPem: pem('b.crt'), keyPem: pem('a.key') });
    assert.equal(refused.code, 'REMOTE_ERROR');
    assert.equal(spawnSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', '--resolve', `${d2}:${lab.tlsPort}:127.0.0.1`, `https://${d2}:${lab.tlsPort}/index.php`], { encoding: 'utf8' }).stdout, '200');
    await ok('cert.install', { username: u2, siteId: 'site2', domain: d2, certPem: pem('b.crt'), keyPem: pem('b.key') });
    const x509 = spawnSync('openssl', ['x509', '-noout', '-serial'], { input: served(), encoding: 'utf8' }).stdout.trim().replace('serial=', '');
    assert.equal(x509, fingerprint('b.crt'));
    await ok('site.ensure', site(u2, 'site2', d2));
  });

  it('php-fpm refusing a broken pool: rolled back, the master stays up; the sentinel keeps it alive with no account pool', async function () {
    const broken = join(env.fpm.poolsDir, 'zz-broken.conf');
    writeFileSync(broken, '[zz-broken]\nuser = nobody\npm = sometimes\n');
    const pid = fpmPid();
    try {
      const pool = readFileSync(join(env.fpm.poolsDir, `${u1}.conf`), 'utf8');
      const r = await op('account.ensure', { username: u1, state: 'active', plan: { ...plan, phpMaxChildren: 4 } });
      assert.equal(r.code, 'REMOTE_ERROR');
      assert.equal(r.retryable, false);
      assert.match(r.message!, /php-fpm -t/);
      assert.equal(readFileSync(join(env.fpm.poolsDir, `${u1}.conf`), 'utf8'), pool, 'the pool was rolled back');
      assert.ok(alive(pid));
      const page = await get(d1);
      assert.equal(page?.status, 200, page?.body);
    } finally {
      execFileSync('rm', ['-f', broken]);
    }
    const upgraded = await ok('account.ensure', { username: u1, state: 'active', plan: { ...plan, phpMaxChildren: 4 } });
    assert.ok(upgraded.steps.some((s) => s.name === 'php-fpm pool'));
    assert.match(readFileSync(join(env.fpm.poolsDir, `${u1}.conf`), 'utf8'), /^pm.max_children = 4$/m);

    // Both accounts suspended: no account pool is left, only the sentinel; the master survives the reload.
    await ok('account.ensure', { username: u1, state: 'suspended', plan });
    await ok('account.ensure', { username: u2, state: 'suspended', plan });
    assert.ok(alive(fpmPid()), 'the php-fpm master is alive with only the sentinel pool');
    await ok('account.ensure', { username: u1, state: 'active', plan });
    await ok('account.ensure', { username: u2, state: 'active', plan });
    assert.equal((await get(d1))?.status, 200);
    assert.equal((await get(d2))?.status, 200);
  });

  it('nginx down: REMOTE_UNAVAILABLE and retryable, the vhost put back; the retry after nginx is back applies it', async function () {
    const pidFile = join(env.nginx.prefix, 'run', 'nginx.pid');
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGQUIT');
    for (let i = 0; i < 50 && existsSync(pidFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const vhost = join(env.nginx.sitesDir, `${u2}--site2.conf`);
    const before = readFileSync(vhost, 'utf8');
    const change = site(u2, 'site2', d2, { aliases: [`www.${d2}`, `shop.${d2}`] });
    const r = await op('site.ensure', change);
    assert.equal(r.code, 'REMOTE_UNAVAILABLE', r.message);
    assert.equal(r.retryable, true);
    assert.equal(readFileSync(vhost, 'utf8'), before);
    execFileSync(env.nginx.bin, ['-p', `${env.nginx.prefix}/`, '-c', env.nginx.confFile]);
    await ok('site.ensure', change);
    assert.equal((await get(`shop.${d2}`))?.status, 200);
  });

  it('MariaDB unreachable is REMOTE_UNAVAILABLE and retryable', async function () {
    const down: AgentEnv = { ...env, mariadb: { bin: 'mariadb', args: [`--socket=${join(lab.dir, 'no-such.sock')}`, '--user=root'] } };
    const r = await op('db.ensure', { username: u1, database: db1 }, down);
    assert.equal(r.ok, false);
    assert.equal(r.code, 'REMOTE_UNAVAILABLE');
    assert.equal(r.retryable, true);
    assert.match(r.message!, /unreachable/);
  });

  it('refuses absurd and hostile input without touching the server', async function () {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['account.ensure', { username: 'root', state: 'active', plan }],
      ['account.ensure', { username: 'www-data', state: 'active', plan }],
      ['account.ensure', { username: 'otherprefix', state: 'active', plan }],
      ['account.ensure', { username: `${u1}; rm -rf /`, state: 'active', plan }],
      ['site.ensure', site(u1, 'x1', 'evil.test; include /etc/shadow')],
      ['site.ensure', site(u1, 'x2', `ok-${tag}.test`, { docroot: 'web/../../../etc' })],
      ['site.ensure', site(u1, '../x3', `ok-${tag}.test`)],
      ['db.ensure', { username: u1, database: { ...db1, name: `${u2}_shop` } }],
      ['db.ensure', { username: u1, database: { ...db1, name: `${u1}_x\`; DROP DATABASE mysql; --` } }],
      ['db.ensure', { username: u1, database: { ...db1, password: "a\\'; DROP USER root; --" } }],
      ['cron.ensure', { username: u1, cron: { kind: 'cron', id: 'c9', schedule: '* * * * *', command: 'true\n* * * * * root rm -rf /', state: 'active' } }],
      ['cron.ensure', { username: u1, cron: { kind: 'cron', id: 'c9', schedule: '* * * * * *', command: 'true', state: 'active' } }],
      ['sftp.ensure', { username: u1, sftp: { kind: 'sftpUser', id: 's9', username: u1, authorizedKeys: ['command="sh" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA'], root: 'web', state: 'active' } }],
      ['acme.token.put', { siteId: 'site1', token: '../../../../etc/passwd', keyAuthorization: 'a.b' }],
    ];
    for (const [name, params] of cases) {
      const r = await op(name, params);
      assert.equal(r.code, 'INVALID_INPUT', `${name} ${JSON.stringify(params).slice(0, 120)} → ${r.code} ${r.message}`);
    }
    assert.equal((await runOp(env, 'shell.exec', { cmd: 'id' })).code, 'UNSUPPORTED');
    assert.equal((await runOp(env, 'account.ensure', null)).code, 'INVALID_INPUT');
  });

  it('usage, facts and observe report what is there', async function () {
    const usage = await ok('usage.collect', { usernames: [u1] });
    const [entry] = usage.observed as Array<{ username: string; usage: { diskUsedMb: number; extra: { databases: number } } }>;
    assert.equal(entry?.username, u1);
    assert.equal(entry?.usage.extra.databases, 1);
    assert.ok(entry!.usage.diskUsedMb >= 0);
    const facts = (await ok('server.facts', {})).observed as { nginx: string; php: string[]; mariadb: string; diskFreeMb: number };
    assert.match(facts.nginx, /^\d+\.\d+/);
    assert.deepEqual(facts.php, [phpVersion]);
    assert.match(facts.mariadb, /MariaDB/);
    assert.ok(facts.diskFreeMb > 0);
  });

  it('an agent killed half-way through creating an account: the next ensure converges', async function () {
    const u3 = `mpt${tag}c`;
    const d3 = `killed-${tag}.test`;
    const steps = JSON.stringify([['account.ensure', { username: u3, state: 'active', plan }], ['site.ensure', site(u3, 'site3', d3)]]);
    for (const delay of [150, 900]) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'run-ops.ts'), JSON.stringify(env), steps], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Listened for from the start: on a quick machine the ops may all be done (and the child gone) before the kill.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => c.toString().includes('started') && resolve()));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
    }
    await ok('account.ensure', { username: u3, state: 'active', plan });
    await ok('site.ensure', site(u3, 'site3', d3));
    userFile(u3, join(docroot(u3, d3), 'index.php'), '<?php echo posix_getpwuid(posix_geteuid())["name"];');
    const page = await get(d3);
    assert.equal(page?.status, 200);
    assert.equal(page?.body, u3);
    await ok('account.remove', { username: u3 });
    assert.equal(await get(d3), null);
  });

  it('concurrent ops on two accounts converge and share nginx reloads', async function () {
    const before = nginxReloads(env);
    const extra = [[u1, 'c1'], [u1, 'c2'], [u2, 'c3'], [u2, 'c4']] as const;
    const results = await Promise.all(extra.map(([u, id]) => op('site.ensure', site(u, id, `${id}-${tag}.test`, { php: null }))));
    for (const r of results) assert.ok(r.ok, r.message);
    const reloads = nginxReloads(env) - before;
    // Ops of one account run one after the other, so how many reloads two accounts share depends on
    // timing: never more than one per change (reload.test.ts shows the sharing itself).
    assert.ok(reloads >= 1 && reloads <= extra.length, `${reloads} reloads for ${extra.length} concurrent site changes`);
    for (const [, id] of extra) assert.equal((await get(`${id}-${tag}.test`, '/'))?.status, 403, 'served (an empty docroot is 403, not 444)');
    const third = await op('site.ensure', site(u1, 'c5', `c5-${tag}.test`));
    assert.equal(third.code, 'CAPACITY', 'the plan allows 3 sites');
    await Promise.all(extra.map(([u, id]) => ok('site.remove', { username: u, siteId: id, domain: `${id}-${tag}.test` })));
    for (const [, id] of extra) assert.equal(await get(`${id}-${tag}.test`, '/'), null);
  });

  it('remove: everything is gone and the unknown host gets 444', async function () {
    for (const u of [u1, u2]) await ok('account.remove', { username: u });
    assert.equal(await get(d1), null, 'connection closed without a response (444)');
    assert.equal(await get(d2), null);
    const curl = spawnSync('curl', ['-sS', '-H', `Host: ${d1}`, `http://127.0.0.1:${lab.nginxPort}/`]);
    assert.equal(curl.status, 52, 'curl: empty reply from server');
    assert.notEqual(spawnSync('id', [u1]).status, 0);
    assert.equal(existsSync(join(env.homeRoot, u1)), false);
    assert.equal(existsSync(join(env.fpm.poolsDir, `${u1}.conf`)), false);
    assert.notEqual(dbLogin(db1.user, db1.password, 'SELECT 1').status, 0);
    const observed = (await ok('account.observe', { username: u1 })).observed as { exists: boolean };
    assert.equal(observed.exists, false);
    assert.ok((await ok('account.remove', { username: u1 })).ok, 'remove is idempotent');
  });
});
