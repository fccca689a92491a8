import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hashMailPassword } from '../src/resources/mail-addresses.ts';

/**
 * The mailbox hash as Dovecot itself checks it (`doveadm pw -t`, Debian's dovecot-core): the
 * right password verifies, a wrong one is refused. Needs doveadm installed: fails without it.
 */
describe('hosting mail: the stored {ARGON2ID} hash verifies in Dovecot', function () {
  this.timeout(60_000);
  const doveadm = (hash: string, password: string) => spawnSync('doveadm', ['pw', '-t', hash, '-p', password], { encoding: 'utf8' });

  it('doveadm pw -t accepts the right password and refuses a wrong one', async () => {
    const hash = await hashMailPassword('correct horse battery staple');
    const good = doveadm(hash, 'correct horse battery staple');
    assert.equal(good.error, undefined, 'doveadm is not installed (apt-get install dovecot-core)');
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /\(verified\)/);
    const bad = doveadm(hash, 'correct horse battery stapler');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /mismatch/i);
  });
});
