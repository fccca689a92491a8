import assert from 'node:assert/strict';
import { plainError } from '../src/acme.ts';

describe('ssl: the CA\'s errors in plain words', () => {
  const cases: Array<[string, RegExp]> = [
    ['could not resolve URL "http://missing.shop1.test:8099/.well-known/acme-challenge/abc"', /^The CA could not look up the name in DNS/],
    ['DNS problem: NXDOMAIN looking up A for x.example.com', /^The CA could not look up the name in DNS/],
    ['Error creating new order :: too many certificates already issued (rateLimited)', /^The CA's rate limit was reached/],
    ['Incorrect TXT record "abc" found at _acme-challenge.example.com', /^The CA did not find the expected _acme-challenge TXT record/],
    ['Invalid response from http://example.com/.well-known/acme-challenge/x: 404', /^The CA could not fetch the challenge from the site/],
    ['connect ECONNREFUSED 127.0.0.1:25430', /^mPanel could not reach the CA's directory/],
    ['self-signed certificate in certificate chain', /^mPanel could not reach the CA's directory/],
    ['getaddrinfo ENOTFOUND acme.example', /^mPanel could not reach the CA's directory/],
    ['the directory https://acme.example/dir answered HTTP 503', /^mPanel could not reach the CA's directory/],
    ['Cannot read properties of undefined (reading \'config\')', /^The connection to the CA broke off/],
  ];
  for (const [raw, hint] of cases) {
    it(`${raw.slice(0, 60)}…`, () => {
      const text = plainError(new Error(raw));
      assert.match(text, hint);
      assert.ok(text.endsWith(`(CA said: ${raw})`), 'the CA\'s own words after the hint');
    });
  }
  it('keeps an unknown message as it is, one line, bounded', () => {
    assert.equal(plainError(new Error('something\n  new')), 'something new');
    assert.ok(plainError('x'.repeat(5000)).length <= 1500);
  });
});
