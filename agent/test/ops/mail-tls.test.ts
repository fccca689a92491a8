import assert from 'node:assert/strict';
import { checkServerPair, setMainCf } from '../../src/ops/mail-tls.ts';
import { OpError } from '../../src/ops/types.ts';
import { startTestCa, type TestCa } from '../../../test/support/test-ca.ts';

/** mail.tls.install's checks, before any file is touched (issue 18 item 4). */
describe('agent mail.tls.install: the pair check and main.cf edits', () => {
  let ca: TestCa;
  const host = 'mail1.example.test';
  let good: ReturnType<TestCa['issue']>;
  let other: ReturnType<TestCa['issue']>;
  before(() => {
    ca = startTestCa();
    good = ca.issue([host, 'smtp.example.test']);
    other = ca.issue([host]);
  });
  after(() => ca.stop());

  const refused = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof OpError && e.code === 'INVALID_INPUT' && re.test(e.message));

  it('accepts a pair whose key is the leaf\'s, covering the names, leaf first: serial and expiry of the leaf', () => {
    const p = checkServerPair([host], good.chainPem, good.keyPem);
    assert.equal(p.serial, good.serial);
    assert.deepEqual(p.names, [host]);
    assert.ok(Date.parse(p.notAfter) > Date.now());
    assert.match(p.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(checkServerPair(['smtp.example.test', host], good.chainPem, good.keyPem).serial, good.serial, 'every SAN may be asked for');
  });

  it('refuses the key of another certificate, a name the certificate does not cover, an expired one, a reversed chain', () => {
    refused(() => checkServerPair([host], good.chainPem, other.keyPem), /does not belong to the certificate/);
    refused(() => checkServerPair(['imap.example.test'], good.chainPem, good.keyPem), /does not cover imap\.example\.test/);
    refused(() => checkServerPair([host], good.chainPem, good.keyPem, new Date(Date.now() + 10 * 86_400_000)), /expired/);
    refused(() => checkServerPair([host], good.chainPem, good.keyPem, new Date(Date.now() - 86_400_000)), /not valid before/);
    const [leaf, intermediate] = good.chainPem.split(/(?<=-----END CERTIFICATE-----\n)/);
    refused(() => checkServerPair([host], `${intermediate}${leaf}`, good.keyPem), /does not belong|did not issue/);
    refused(() => checkServerPair([host], `${leaf}${leaf}`, good.keyPem), /did not issue certificate 1/);
  });

  it('refuses garbage: not PEM, a truncated certificate, bad names, a wildcard, too many names', () => {
    refused(() => checkServerPair([host], 'hello', good.keyPem), /PEM certificate/);
    refused(() => checkServerPair([host], good.chainPem, 'hello'), /PEM private key/);
    refused(() => checkServerPair([host], good.leafPem.replace(/[A-Za-z0-9]{40}\n/, 'AAAA\n'), good.keyPem), /cannot be read|does not belong/);
    refused(() => checkServerPair([], good.chainPem, good.keyPem), /1 to 20/);
    refused(() => checkServerPair('mail1.example.test', good.chainPem, good.keyPem), /1 to 20/);
    refused(() => checkServerPair(Array.from({ length: 21 }, () => host), good.chainPem, good.keyPem), /1 to 20/);
    refused(() => checkServerPair(['MAIL1.example.test'], good.chainPem, good.keyPem), /lower case/);
    refused(() => checkServerPair(['*.example.test'], good.chainPem, good.keyPem), /no wildcard/);
    assert.throws(() => checkServerPair(['bad name;rm'], good.chainPem, good.keyPem), (e: unknown) => e instanceof OpError && e.code === 'INVALID_INPUT');
  });

  it('setMainCf replaces a setting in place (with its continuation lines), appends a missing one, leaves the rest alone', () => {
    const before = 'myhostname = a.test\nsmtpd_tls_cert_file = /old.crt\nsmtpd_milters = inet:1\n  inet:2\n# smtpd_tls_key_file = comment\nbiff = no\n';
    const after = setMainCf(before, { smtpd_tls_cert_file: '/new.crt', smtpd_milters: 'inet:3', smtpd_tls_key_file: '/new.key' });
    assert.equal(after, 'myhostname = a.test\nsmtpd_tls_cert_file = /new.crt\nsmtpd_milters = inet:3\n# smtpd_tls_key_file = comment\nbiff = no\nsmtpd_tls_key_file = /new.key\n');
    assert.equal(setMainCf(after, { smtpd_tls_cert_file: '/new.crt', smtpd_milters: 'inet:3', smtpd_tls_key_file: '/new.key' }), after, 'idempotent');
  });
});
