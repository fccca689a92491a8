import assert from 'node:assert/strict';
import * as v from '../../src/ops/validate.ts';
import { OpError } from '../../src/ops/types.ts';
import { renderVhost } from '../../src/ops/vhost.ts';
import { renderPool } from '../../src/ops/fpm.ts';
import { grantDb, sqlString } from '../../src/ops/mariadb.ts';
import { runOp } from '../../src/ops/index.ts';
import type { AgentEnv } from '../../src/ops/types.ts';

const invalid = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof OpError && e.code === 'INVALID_INPUT');

const env: AgentEnv = {
  homeRoot: '/srv/h', acmeRoot: '/srv/acme', stateDir: '/nonexistent/state',
  nginx: { bin: '/usr/sbin/nginx', prefix: '/srv/n', confFile: '/srv/n/nginx.conf', sitesDir: '/srv/n/sites', listen: '127.0.0.1:8080', tlsListen: '127.0.0.1:8443', reload: () => null },
  fpm: { bin: '/usr/sbin/php-fpm8.2', confFile: '/srv/f/php-fpm.conf', poolsDir: '/srv/f/pools', runDir: '/srv/f/run', pidFile: '/srv/f/run/pid' },
  mariadb: { bin: 'mariadb', args: [] }, userPrefix: 'mpt', now: () => new Date(),
};

describe('agent ops: input validation and rendering (no services)', function () {
  it('accepts sane values', function () {
    assert.equal(v.username('mpt1abc', 'mpt'), 'mpt1abc');
    assert.equal(v.domain('shop-1.example.co.uk'), 'shop-1.example.co.uk');
    assert.equal(v.domain('*.example.com', { wildcard: true }), '*.example.com');
    assert.equal(v.docroot('', 'web/a.test/public_html'), 'web/a.test/public_html');
    assert.equal(v.dbIdentifier('mpt1_shop', 'mpt1', 'db', 64), 'mpt1_shop');
    assert.equal(v.cronSchedule('*/5 0-6 1,15 * mon-fri'), '*/5 0-6 1,15 * mon-fri');
    assert.equal(v.cronSchedule('@daily'), '@daily');
    assert.equal(v.dbPassword("it's-a-secret"), "it's-a-secret");
    assert.equal(v.sftpUsername('mpt1_dev', 'mpt1'), 'mpt1_dev');
    assert.equal(v.sftpUsername('mpt1', 'mpt1'), 'mpt1');
  });

  it('refuses injection, traversal and other accounts\' names', function () {
    invalid(() => v.username('root', ''));
    invalid(() => v.username('mpt_a', 'mpt')); // '_' would make one account's db prefix cover another's
    invalid(() => v.username('other1', 'mpt'));
    invalid(() => v.username('mpt1 -o', 'mpt'));
    invalid(() => v.domain('a.test;}server{'));
    invalid(() => v.domain('a.test\nlisten 80'));
    invalid(() => v.domain('*.a.test'));
    invalid(() => v.docroot('web/../../etc', ''));
    invalid(() => v.docroot('/etc', ''));
    invalid(() => v.docroot('public_html', ''));
    invalid(() => v.dbIdentifier('mpt2_shop', 'mpt1', 'db', 64));
    invalid(() => v.dbIdentifier('mpt1_', 'mpt1', 'db', 64));
    invalid(() => v.dbIdentifier('mpt1_a`b', 'mpt1', 'db', 64));
    invalid(() => v.dbPassword('back\\slash-pass'));
    invalid(() => v.dbPassword('short'));
    invalid(() => v.cronSchedule('* * * * * *'));
    invalid(() => v.cronSchedule('@reboot'));
    invalid(() => v.cronCommand('true\n* * * * * evil'));
    invalid(() => v.authorizedKey('command="sh" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH'));
    invalid(() => v.authorizedKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH\nssh-rsa AAAA'));
    invalid(() => v.passwordHash('plaintext'));
    invalid(() => v.sftpUsername('mpt2_dev', 'mpt1'));
    invalid(() => v.sftpUsername('mpt1_de/v', 'mpt1'));
    invalid(() => v.acmeToken('../x'));
    invalid(() => v.pem('-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\nssl_certificate /etc/shadow;', 'certificate'));
  });

  it('quotes SQL strings by doubling quotes and escapes GRANT wildcards', function () {
    assert.equal(sqlString("it's"), "'it''s'");
    assert.throws(() => sqlString('a\\b'));
    assert.equal(grantDb('mpt1_shop'), '`mpt1\\_shop`');
  });

  it('renders a vhost: ACME location kept when suspended, 301 to HTTPS when forced, no PHP block for static sites', function () {
    const site = { username: 'mpt1', id: 's1', domain: 'a.test', aliases: ['www.a.test'], docroot: 'web/a.test/public_html', php: { version: '8.2', maxChildren: 2 }, tls: { forceHttps: true }, state: 'active' as const };
    const active = renderVhost(env, site, { suspended: false });
    assert.match(active, /listen 127\.0\.0\.1:8443 ssl http2;/);
    assert.match(active, /server_name a\.test www\.a\.test;/);
    assert.match(active, /return 301 https:\/\/\$host\$request_uri;/);
    assert.match(active, /fastcgi_pass unix:\/srv\/f\/run\/mpt1\.sock;/);
    const suspended = renderVhost(env, site, { suspended: true });
    assert.match(suspended, /return 503/);
    assert.doesNotMatch(suspended, /fastcgi_pass|return 301/);
    assert.equal(suspended.match(/acme-challenge/g)?.length, 2);
    assert.doesNotMatch(renderVhost(env, { ...site, php: null, tls: null }, { suspended: false }), /fastcgi|ssl/);
  });

  it('renders a pool with open_basedir, disabled functions, per-account temp dirs and the plan\'s workers', function () {
    const pool = renderPool(env, { username: 'mpt1', state: 'active', createdAt: '', suspension: { web: true, sftp: true, db: true, cron: true }, plan: { diskMb: null, sites: null, databases: null, phpVersions: [], phpMaxChildren: 7, memoryMb: 512 } }, '/srv/h/mpt1');
    assert.match(pool, /^pm = ondemand$/m);
    assert.match(pool, /^pm\.max_children = 7$/m);
    assert.match(pool, /open_basedir\] = \/srv\/h\/mpt1\/web\/:\/srv\/h\/mpt1\/tmp\/:\/srv\/h\/mpt1\/sessions\/$/m);
    assert.match(pool, /disable_functions\] = exec,passthru,shell_exec,system,proc_open,popen/);
    assert.match(pool, /session\.save_path\] = \/srv\/h\/mpt1\/sessions$/m);
    assert.match(pool, /memory_limit\] = 73M$/m);
  });

  it('runOp never throws: unknown op, bad params, invalid input', async function () {
    assert.deepEqual(await runOp(env, 'shell', {}), { ok: false, code: 'UNSUPPORTED', retryable: false, message: 'Unknown op "shell"', steps: [] });
    assert.equal((await runOp(env, 'toString', {})).code, 'UNSUPPORTED');
    assert.equal((await runOp(env, 'site.ensure', 'x')).code, 'INVALID_INPUT');
    const r = await runOp(env, 'account.ensure', { username: 'root', state: 'active', plan: {} });
    assert.equal(r.code, 'INVALID_INPUT');
    assert.equal(r.retryable, false);
  });
});
