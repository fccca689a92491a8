import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { openDatabase, pgliteDir } from '../../src/db/connect.ts';
import { parseKeys } from '../../src/crypto/keyring.ts';
import { SecretBox, secretBoxes } from '../../src/crypto/secret-box.ts';
import { SettingsStore } from '../../src/plugins/settings-store.ts';
import { MAIL_SETTINGS_ID } from '../../src/mail/settings.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin } from '../../src/testing/auth.ts';
import { CLI, cliEnv, run, tempDataDir } from '../support/cli-process.ts';

const key = () => randomBytes(32).toString('base64');
const K1 = `k1:${key()}`;
const K2 = `k2:${key()}`;

/** A value in the format before the keyring (`v1`, keyed from the platform secret), as stored by older versions. */
function legacySeal(platformSecret: string, purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', platformSecret, 'mpanel', purpose, 32)), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

describe('encryption keys apart from JWT_SECRET (MPANEL_ENCRYPTION_KEYS, keys:rotate)', function () {
  // Each rotation test starts child processes on a fresh embedded database: slow on a busy machine.
  this.timeout(300_000);

  describe('configuration', () => {
    it('validates MPANEL_ENCRYPTION_KEYS with one line, and requires it in production on PostgreSQL', () => {
      assert.throws(() => loadConfig({ MPANEL_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }), (err: Error) => err instanceof ConfigError && err.message === 'Invalid configuration: MPANEL_ENCRYPTION_KEYS key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 5 bytes');
      assert.throws(() => loadConfig({ MPANEL_ENCRYPTION_KEYS: key() }), /MPANEL_ENCRYPTION_KEYS must be a comma-separated list of keyid:base64key/);
      assert.throws(() => loadConfig({ MPANEL_ENCRYPTION_KEYS: `${K1},${K1}` }), /MPANEL_ENCRYPTION_KEYS names key "k1" twice/);
      const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/mpanel', JWT_SECRET: 'j'.repeat(40) };
      assert.throws(() => loadConfig(prod), (err: Error) => err instanceof ConfigError && /^Invalid configuration: MPANEL_ENCRYPTION_KEYS is required when NODE_ENV=production with DATABASE_URL/.test(err.message) && !err.message.includes('\n'));
      const config = loadConfig({ ...prod, MPANEL_ENCRYPTION_KEYS: `${K2},${K1}` });
      assert.deepEqual(config.encryptionKeys.keys.map((k) => k.id), ['k2', 'k1']);
    });

    it('embedded mode generates the keyring into DATA_DIR (0600), independent of the JWT secret', () => {
      const data = tempDataDir();
      try {
        const first = loadConfig({ DATA_DIR: data.dir, JWT_SECRET: 'a'.repeat(40) }, { persistSecrets: true });
        const file = join(data.dir, 'encryption-keys');
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.equal(first.encryptionKeys.file, file);
        const again = loadConfig({ DATA_DIR: data.dir, JWT_SECRET: 'b'.repeat(40) }, { persistSecrets: true });
        assert.deepEqual(again.encryptionKeys.keys, first.encryptionKeys.keys);
        assert.deepEqual(parseKeys(readFileSync(file, 'utf8').trim()), first.encryptionKeys.keys);
      } finally {
        data.remove();
      }
    });
  });

  describe('sealed values are bound to their tenant and field', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ env: { JWT_SECRET: 'j'.repeat(40), MPANEL_ENCRYPTION_KEYS: K1 } });
    });
    after(() => server?.close());

    it('a secret copied into another tenant or another field does not open; a new JWT secret changes nothing', async () => {
      const a = await createTenantWithAdmin(server, { slug: `keys-a-${process.pid}` });
      const b = await createTenantWithAdmin(server, { slug: `keys-b-${process.pid}` });
      for (const [t, password] of [[a, 'a-smtp-password'], [b, 'b-smtp-password']] as const) {
        const res = await server.request('PUT', '/api/v1/mail/settings', { token: t.token, body: { password } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      const rowOf = async (tenantId: string) => (await server.knex('plugin_settings').where({ tenant_id: tenantId, plugin_id: MAIL_SETTINGS_ID }).first()) as { secrets: { password: string } };
      const sealedA = (await rowOf(a.tenant.id)).secrets.password;
      assert.match(sealedA, /^v2\.k1\./, 'the value names its key');

      // Tenant B's row gets tenant A's ciphertext (a database-level copy): B's read fails, A's is untouched.
      await server.knex('plugin_settings').where({ tenant_id: b.tenant.id, plugin_id: MAIL_SETTINGS_ID }).update({ secrets: JSON.stringify({ password: sealedA }) });
      const { mail, pluginSettings } = server.running.platform.container.cradle;
      await assert.rejects(mail.settings(b.tenant.id), /Unsupported state or unable to authenticate data/);
      assert.equal((await mail.settings(a.tenant.id)).password, 'a-smtp-password');

      // The same tenant, another field (another plugin's secret setting): it does not open either.
      await server.knex('plugin_settings').insert({ tenant_id: a.tenant.id, plugin_id: 'stripe', values: '{}', secrets: JSON.stringify({ password: sealedA }), updated_at: new Date() });
      await assert.rejects(pluginSettings.read('stripe', undefined, a.tenant.id), /unable to authenticate/);

      // Rotating JWT_SECRET after a leak: the stored secrets still open with the same keyring.
      const afterJwtRotation = new SettingsStore(server.knex, secretBoxes({ encryptionKeys: { keys: parseKeys(K1) }, jwtSecret: 'n'.repeat(40) }).pluginSecrets);
      assert.equal((await afterJwtRotation.read(MAIL_SETTINGS_ID, undefined, a.tenant.id)).password, 'a-smtp-password');
    });
  });

  it('mpanel keys:rotate re-seals every plugin, webhook and TOTP secret (also the old JWT-keyed ones) under the new key', async () => {
    const data = tempDataDir();
    const jwt = 'j'.repeat(40);
    const env = (keys: string) => cliEnv({ DATA_DIR: data.dir, NODE_ENV: 'development', JWT_SECRET: jwt, MPANEL_ENCRYPTION_KEYS: keys });
    try {
      const migrated = await run(process.execPath, [CLI, 'migrate'], env(K1));
      assert.equal(migrated.code, 0, migrated.stderr);

      // Rows as an older version (v1, keyed from JWT_SECRET) and the current key k1 left them.
      const k1 = secretBoxes({ encryptionKeys: { keys: parseKeys(K1) }, jwtSecret: jwt });
      const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
      let tenantId: string;
      try {
        tenantId = ((await db.knex('tenants').insert({ name: 'Acme', slug: 'acme' }).returning('id')) as Array<{ id: string }>)[0]!.id;
        await db.knex('plugin_settings').insert({ tenant_id: tenantId, plugin_id: 'gateway-stripe', values: '{}', updated_at: new Date(), secrets: JSON.stringify({
          secretKey: legacySeal(jwt, 'mpanel:plugin-secrets', 'sk_live_legacy'),
          webhookSecret: k1.pluginSecrets.seal('whsec_stripe', { tenantId, field: 'gateway-stripe.webhookSecret' }),
        }) });
        await db.knex('webhooks').insert({ tenant_id: tenantId, url: 'https://example.com/hook', events: '["*"]', secret: k1.webhookSecrets.seal('whsec_mine', { tenantId, field: 'webhooks.secret' }) });
        await db.knex('users').insert({ tenant_id: tenantId, email: 'ada@acme.test', password_hash: 'x', totp_secret: legacySeal(jwt, 'totp-secrets', 'JBSWY3DPEHPK3PXP'), totp_pending_secret: k1.totpSecrets.seal('KRSXG5CTMVRXEZLU', { tenantId, field: 'users.totp_pending_secret' }) });
      } finally {
        await db.close();
      }

      const rotated = await run(process.execPath, [CLI, 'keys:rotate'], env(`${K2},${K1}`));
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.equal(rotated.stdout, 'Re-sealed under key k2: 2 plugin secrets, 1 webhook secrets, 2 TOTP secrets\nKeys k1 are no longer used: remove them from MPANEL_ENCRYPTION_KEYS\n');

      // Only k2 now: no old key, no JWT secret needed.
      const onlyK2 = secretBoxes({ encryptionKeys: { keys: parseKeys(K2) }, jwtSecret: '' });
      const check = await openDatabase({ dataDir: pgliteDir(data.dir) });
      try {
        const settings = (await check.knex('plugin_settings').where({ tenant_id: tenantId!, plugin_id: 'gateway-stripe' }).first()) as { secrets: Record<string, string> };
        const hook = (await check.knex('webhooks').where({ tenant_id: tenantId! }).first()) as { secret: string };
        const user = (await check.knex('users').where({ tenant_id: tenantId! }).first()) as { totp_secret: string; totp_pending_secret: string };
        for (const sealed of [...Object.values(settings.secrets), hook.secret, user.totp_secret, user.totp_pending_secret]) assert.match(sealed, /^v2\.k2\./);
        const at = (field: string) => ({ tenantId: tenantId!, field });
        assert.equal(onlyK2.pluginSecrets.open(settings.secrets.secretKey!, at('gateway-stripe.secretKey')), 'sk_live_legacy');
        assert.equal(onlyK2.pluginSecrets.open(settings.secrets.webhookSecret!, at('gateway-stripe.webhookSecret')), 'whsec_stripe');
        assert.equal(onlyK2.webhookSecrets.open(hook.secret, at('webhooks.secret')), 'whsec_mine');
        assert.equal(onlyK2.totpSecrets.open(user.totp_secret, at('users.totp_secret')), 'JBSWY3DPEHPK3PXP');
        assert.equal(onlyK2.totpSecrets.open(user.totp_pending_secret, at('users.totp_pending_secret')), 'KRSXG5CTMVRXEZLU');
        assert.throws(() => new SecretBox({ keys: parseKeys(K1) }, 'mpanel:plugin-secrets').open(settings.secrets.secretKey!, at('gateway-stripe.secretKey')), /sealed with key "k2"/);
      } finally {
        await check.close();
      }

      // A second run has nothing left to do.
      const again = await run(process.execPath, [CLI, 'keys:rotate'], env(K2));
      assert.equal(again.stdout, 'Re-sealed under key k2: 0 plugin secrets, 0 webhook secrets, 0 TOTP secrets\n');
    } finally {
      data.remove();
    }
  });

  it('mpanel keys:rotate with the keyring generated into DATA_DIR makes the new key itself and drops the old one', async () => {
    const data = tempDataDir();
    const env = cliEnv({ DATA_DIR: data.dir, NODE_ENV: 'development', MPANEL_ENCRYPTION_KEYS: '' });
    const file = join(data.dir, 'encryption-keys');
    try {
      const migrated = await run(process.execPath, [CLI, 'migrate'], env);
      assert.equal(migrated.code, 0, migrated.stderr);
      const [old] = parseKeys(readFileSync(file, 'utf8').trim());
      const box = new SecretBox({ keys: [old!] }, 'mpanel:plugin-secrets');
      const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
      let tenantId: string;
      try {
        tenantId = ((await db.knex('tenants').insert({ name: 'Acme', slug: 'acme' }).returning('id')) as Array<{ id: string }>)[0]!.id;
        await db.knex('plugin_settings').insert({ tenant_id: tenantId, plugin_id: 'core.mail', values: '{}', updated_at: new Date(), secrets: JSON.stringify({ password: box.seal('smtp-pass', { tenantId, field: 'core.mail.password' }) }) });
      } finally {
        await db.close();
      }
      const rotated = await run(process.execPath, [CLI, 'keys:rotate'], env);
      assert.equal(rotated.code, 0, rotated.stderr);
      const keys = parseKeys(readFileSync(file, 'utf8').trim());
      assert.equal(keys.length, 1);
      assert.notEqual(keys[0]!.id, old!.id);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(rotated.stdout, `Re-sealed under key ${keys[0]!.id}: 1 plugin secrets, 0 webhook secrets, 0 TOTP secrets\nOld keys removed from ${file}\n`);
      const check = await openDatabase({ dataDir: pgliteDir(data.dir) });
      try {
        const row = (await check.knex('plugin_settings').where({ tenant_id: tenantId!, plugin_id: 'core.mail' }).first()) as { secrets: { password: string } };
        assert.equal(new SecretBox({ keys }, 'mpanel:plugin-secrets').open(row.secrets.password, { tenantId: tenantId!, field: 'core.mail.password' }), 'smtp-pass');
      } finally {
        await check.close();
      }
    } finally {
      data.remove();
    }
  });
});
