import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { definePlugin, ok, PrivateTargetError } from '@mpanel/sdk';
import { loadConfig } from '../../src/config/config.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { toQueued } from '../../src/mail/message.ts';
import { isPrivateAddress } from '../../src/net/address-guard.ts';
import { SmtpCapture } from '../mail/smtp-capture.ts';

/** A plugin that connects to a host its tenant configures, through ctx.net (as DNS/panel/registrar plugins will). */
const probe = definePlugin({
  manifest: {
    id: 'net-probe', name: 'Net probe', version: '1.0.0', engines: { mpanel: '>=0.1.0' },
    permissions: [{ name: 'net-probe.use', description: 'Resolve a host', defaultRoles: ['admin'] }],
  },
  register(ctx) {
    ctx.routes.add({
      method: 'POST', path: '/api/v1/net-probe', permission: 'net-probe.use',
      schema: { body: { type: 'object', required: ['host'], properties: { host: { type: 'string' } } } },
      handler: async (c) => {
        try {
          return ok(await ctx.net.resolvePublic((c.input.body as { host: string }).host));
        } catch (err) {
          return ok({ refused: err instanceof PrivateTargetError, message: (err as Error).message });
        }
      },
    });
  },
});

describe('outgoing connections a tenant configures: one private-address guard', function () {
  this.timeout(60_000);

  it('refuses private, loopback, link-local, CGNAT, multicast and the IPv6 forms that embed IPv4', () => {
    for (const address of [
      '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '198.18.0.1',
      '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8',
      '2002:7f00:1::1', '2002::1', '64:ff9b::a00:1', '64:ff9b:1::1', '2001::1', '2001:db8::1', '100::1', 'fec0::1', 'fe80::1%eth0', 'not-an-ip',
    ]) assert.equal(isPrivateAddress(address), true, address);
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::1']) assert.equal(isPrivateAddress(address), false, address);
    assert.throws(() => loadConfig({ MPANEL_ALLOW_PRIVATE_TARGETS: 'sometimes' }), /Invalid configuration: MPANEL_ALLOW_PRIVATE_TARGETS must be true or false \(got "sometimes"\)/);
  });

  describe('on a server that does not allow private targets (the default)', () => {
    let server: TestServer;
    let smtp: SmtpCapture;
    let port: number;
    let tenant: TenantWithAdmin;
    before(async () => {
      smtp = new SmtpCapture();
      port = await smtp.listen();
      server = await startTestServer({ plugins: { definitions: [probe] } });
      tenant = await createTenantWithAdmin(server, { slug: `net-${process.pid}` });
    });
    after(async () => {
      await server?.close();
      await smtp?.close();
    });

    it('a tenant admin cannot save an SMTP host on the internal network', async () => {
      for (const host of ['127.0.0.1', 'localhost', '::ffff:7f00:1', '2002:7f00:1::1', '169.254.169.254']) {
        const res = await server.request('PUT', '/api/v1/mail/settings', { token: tenant.token, body: { host, port: 22 } });
        assert.equal(res.status, 400, `${host}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body, { error: 'Validation failed', details: { host: 'must not point to a private or loopback address' } });
      }
      const stored = await server.knex('plugin_settings').where({ tenant_id: tenant.tenant.id, plugin_id: 'core.mail' }).first();
      assert.equal(stored?.values?.host, undefined, 'nothing saved');
    });

    it('and mail is not delivered to a private address even if the host got stored (or its DNS changed later)', async () => {
      const { mail } = server.running.platform.container.cradle;
      await mail.saveSettings(tenant.tenant.id, { host: '127.0.0.1', port, secure: false });
      await assert.rejects(mail.deliver(tenant.tenant.id, toQueued({ to: 'ada@client.test', subject: 'Port scan', text: 'x' }, randomUUID(), new Date())), (err: Error) => {
        assert.ok(err instanceof PrivateTargetError, String(err));
        assert.match(err.message, /Refusing to connect to private address 127\.0\.0\.1/);
        return true;
      });
      assert.equal(smtp.received.length, 0, 'the SMTP server on loopback saw no mail');
    });

    it('webhooks use the same guard: the IPv6 forms that carry a private IPv4 are refused too', async () => {
      for (const url of ['http://[2002:7f00:1::1]/hook', 'http://[64:ff9b:1::a00:1]/hook', 'http://[::ffff:7f00:1]/hook', 'http://[2001::1]/hook', 'http://100.64.0.1/hook']) {
        const res = await server.request('POST', '/api/v1/webhooks', { token: tenant.token, body: { url, events: ['*'] } });
        assert.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body.details, { url: 'must not point to a private or loopback address' });
      }
      assert.equal((await server.knex('webhooks').where({ tenant_id: tenant.tenant.id }).count({ n: '*' }))[0]!.n, 0);
    });

    it('plugins get the same guard as ctx.net.resolvePublic', async () => {
      const refused = await server.request('POST', '/api/v1/net-probe', { token: tenant.token, body: { host: 'localhost' } });
      assert.equal(refused.status, 200);
      assert.equal(refused.body.data.refused, true, JSON.stringify(refused.body));
      const literal = await server.request('POST', '/api/v1/net-probe', { token: tenant.token, body: { host: '[::ffff:10.0.0.1]' } });
      assert.equal(literal.body.data.refused, true, JSON.stringify(literal.body));
      const pub = await server.request('POST', '/api/v1/net-probe', { token: tenant.token, body: { host: '8.8.8.8' } });
      assert.deepEqual(pub.body.data, { address: '8.8.8.8', family: 4 });
    });
  });

  it('MPANEL_ALLOW_PRIVATE_TARGETS=true lets the operator allow them (on-premise, tests)', async () => {
    const server = await startTestServer({ env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, plugins: { definitions: [probe] } });
    try {
      const tenant = await createTenantWithAdmin(server, { slug: `net-open-${process.pid}` });
      const res = await server.request('PUT', '/api/v1/mail/settings', { token: tenant.token, body: { host: '127.0.0.1', port: 2525 } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const resolved = await server.request('POST', '/api/v1/net-probe', { token: tenant.token, body: { host: '127.0.0.1' } });
      assert.deepEqual(resolved.body.data, { address: '127.0.0.1', family: 4 });
    } finally {
      await server.close();
    }
  });
});
