import assert from 'node:assert/strict';
import { RESERVED_USERNAMES, UsernameExhaustedError, domainStem, generateUsername, usernameProblem } from '../src/usernames.ts';

const free = async () => false;

describe('account user names', () => {
  it('come from the domain stem plus a random suffix, lowercase, at most 16 characters', async () => {
    assert.equal(domainStem('www.My-Shop.co.uk'), 'myshop');
    assert.equal(domainStem('2fast.io'), 'u2fast');
    assert.equal(domainStem('a-very-long-domain-name-indeed.com'), 'averylongd');
    assert.equal(domainStem('Bücher.de'), 'bucher');
    for (const domain of ['shop.test', 'a-very-long-domain-name-indeed.com', '123.example', 'xn--bcher-kva.example', '...']) {
      const name = await generateUsername(domain, free);
      assert.match(name, /^[a-z][a-z0-9]{1,15}$/, `${domain} → ${name}`);
      assert.ok(name.length <= 16);
    }
    assert.match(await generateUsername('shop.test', free), /^shop[a-z2-9]{4}$/);
  });

  it('two accounts of one domain get different names', async () => {
    const names = new Set(await Promise.all(Array.from({ length: 50 }, () => generateUsername('shop.test', free))));
    assert.ok(names.size > 45, `only ${names.size} distinct names`);
  });

  it('retry when the server has the name, and give up with a typed error', async () => {
    const seen: string[] = [];
    const name = await generateUsername('shop.test', async (n) => { seen.push(n); return seen.length < 3; });
    assert.equal(seen.length, 3);
    assert.equal(name, seen[2]);
    await assert.rejects(generateUsername('shop.test', async () => true), UsernameExhaustedError);
  });

  it('never produce a reserved name, even when stem and suffix spell one', async () => {
    for (const reserved of ['root', 'admin', 'nginx', 'mysql', 'postfix', 'dovecot', 'hestia', 'www', 'postgres']) {
      assert.ok(RESERVED_USERNAMES.has(reserved), reserved);
      assert.equal(usernameProblem(reserved), 'is reserved', reserved);
    }
    // "pos" + "tfix" = postfix: the first draw must be refused, the second taken.
    const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
    const draws = [...'tfix', ...'abcd'].map((c) => alphabet.indexOf(c));
    const taken: string[] = [];
    const name = await generateUsername('pos.test', async (n) => { taken.push(n); return false; }, () => draws.shift()!);
    assert.equal(name, 'posabcd');
    assert.deepEqual(taken, ['posabcd'], 'the reserved draw never even reached the server check');
  });

  it('chosen names are checked: format and reserved list', () => {
    assert.equal(usernameProblem('shop1'), null);
    for (const bad of ['1shop', 'Shop', 'sh-op', 'a', 'abcdefghijklmnopq', 'www_data', '']) assert.notEqual(usernameProblem(bad), null, bad);
  });
});
