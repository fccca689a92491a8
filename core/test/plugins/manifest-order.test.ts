import assert from 'node:assert/strict';
import type { PluginManifest } from '@mpanel/sdk';
import { orderPlugins } from '../../src/plugins/order.ts';
import { checkEngines, validateManifest } from '../../src/plugins/manifest-validator.ts';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { signPayload, verifySignature } from '../../src/webhooks/signature.ts';
import { isPrivateAddress } from '../../src/webhooks/ssrf-guard.ts';

const m = (id: string, dependencies: Record<string, string> = {}, version = '1.0.0'): PluginManifest => ({ id, name: id, version, engines: { mpanel: '*' }, dependencies });

describe('plugin manifests and ordering', () => {
  it('orders by dependencies, not by input order', () => {
    const { order, rejected } = orderPlugins([m('c', { b: '^1' }), m('a'), m('b', { a: '^1' }), m('z')]);
    assert.deepEqual(order, ['a', 'z', 'b', 'c']);
    assert.equal(rejected.size, 0);
  });

  it('rejects a cycle with the path, and what depends on it', () => {
    const { order, rejected } = orderPlugins([m('x', { y: '*' }), m('y', { x: '*' }), m('w', { x: '*' }), m('ok')]);
    assert.deepEqual(order, ['ok']);
    assert.equal(rejected.get('x'), 'Dependency cycle: x → y → x');
    assert.equal(rejected.get('y'), 'Dependency cycle: y → x → y');
    assert.match(rejected.get('w')!, /cycle/);
  });

  it('rejects missing and mismatched dependencies', () => {
    const { rejected } = orderPlugins([m('a', {}, '1.0.0'), m('b', { a: '^2.0.0' }), m('c', { nope: '*' })]);
    assert.equal(rejected.get('b'), 'Plugin "b" depends on "a" ^2.0.0, but 1.0.0 is installed');
    assert.equal(rejected.get('c'), 'Plugin "c" depends on "nope" *, which is not installed');
  });

  it('validates manifests against plugin.schema.json, naming plugin and field', () => {
    assert.throws(() => validateManifest({ id: 'shop', name: 'Shop', version: '1.0', engines: { mpanel: '*' } }, 'dir'), /Plugin "shop": invalid manifest: version must match pattern/);
    assert.throws(() => validateManifest({ id: 'Bad_Id', name: 'x', version: '1.0.0', engines: { mpanel: '*' } }, 'dir'), /Plugin "Bad_Id": invalid manifest: id must match pattern/);
    assert.throws(() => validateManifest({ id: 'shop', name: 'Shop', version: '1.0.0' }, 'dir'), /Plugin "shop": invalid manifest: engines is required/);
    assert.throws(() => validateManifest({ id: 'shop', name: 'Shop', version: '1.0.0', engines: { mpanel: '*' }, colour: 'red' }, 'dir'), /colour is not allowed/);
    assert.throws(() => validateManifest({ name: 'Shop' }, 'folder-name'), /Plugin "folder-name": invalid manifest: id is required/);
    const ok = validateManifest({ id: 'shop', name: 'Shop', version: '1.0.0', engines: { mpanel: '^0.1.0' }, 'x-vendor': { any: 1 }, category: 'feature', bootFailure: 'continue' }, 'dir');
    assert.equal(ok.id, 'shop');
  });

  it('accepts https origins in ui.externalOrigins and refuses anything else (a path, http, a wildcard)', () => {
    const withOrigins = (scripts: string[]) => ({ id: 'pay', name: 'Pay', version: '1.0.0', engines: { mpanel: '*' }, ui: { externalOrigins: { scripts } } });
    assert.deepEqual(validateManifest(withOrigins(['https://js.example.com', 'https://pay.example.com:8443']), 'dir').ui?.externalOrigins?.scripts, ['https://js.example.com', 'https://pay.example.com:8443']);
    for (const bad of ['https://js.example.com/v3/', 'http://js.example.com', 'https://*.example.com', "'unsafe-inline'", 'https://a.com https://b.com']) {
      assert.throws(() => validateManifest(withOrigins([bad]), 'dir'), /Plugin "pay": invalid manifest: ui\.externalOrigins\.scripts\.0 must match pattern/, bad);
    }
  });

  it('checks engines.mpanel against the running version', () => {
    assert.doesNotThrow(() => checkEngines({ ...m('a'), engines: { mpanel: '^0.1.0' } }, '0.1.0'));
    assert.throws(() => checkEngines({ ...m('a'), engines: { mpanel: '>=1.0.0' } }, '0.1.0'), /Plugin "a" requires mPanel >=1\.0\.0 \(engines\.mpanel\), this is 0\.1\.0/);
  });
});

describe('secrets, signatures, SSRF', () => {
  it('seals secrets with AES-256-GCM; tampering is detected', () => {
    const at = { tenantId: 't1', field: 'stripe.secretKey' };
    const box = new SecretBox({ keys: [{ id: 'k1', key: randomBytes(32) }] }, 'test');
    const sealed = box.seal('sk_live_123', at);
    assert.ok(!sealed.includes('sk_live_123'));
    assert.equal(box.open(sealed, at), 'sk_live_123');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('sk_live_999').toString('base64url');
    assert.throws(() => box.open(parts.join('.'), at));
    assert.throws(() => new SecretBox({ keys: [{ id: 'k1', key: randomBytes(32) }] }, 'test').open(sealed, at));
  });

  it('signs t=<ts>,v1=<hmac> over "t.body" and verifies within tolerance', () => {
    const header = signPayload('whsec_a', '{"a":1}', 1_700_000_000);
    assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
    assert.ok(verifySignature('whsec_a', '{"a":1}', header, 300, 1_700_000_000_000));
    assert.ok(!verifySignature('whsec_a', '{"a":2}', header, 300, 1_700_000_000_000));
    assert.ok(!verifySignature('whsec_b', '{"a":1}', header, 300, 1_700_000_000_000));
    assert.ok(!verifySignature('whsec_a', '{"a":1}', header, 300, 1_700_001_000_000));
  });

  it('knows private, loopback and link-local addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.20.0.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0']) assert.ok(isPrivateAddress(a), a);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) assert.ok(!isPrivateAddress(a), a);
  });
});
