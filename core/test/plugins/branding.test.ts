import assert from 'node:assert/strict';
import { whiteLabel, type LabelSettings } from '../fixtures/white-label-plugin.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';

describe('tenant branding from a plugin (extensionPoints.branding)', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [whiteLabel] } });
    token = await superAdminToken(server);
  });
  after(() => server?.close());

  const branding = async () => (await server.request('GET', '/api/v1/ui/branding')).body.data;
  const settle = async (body: LabelSettings) => {
    const res = await server.request('PUT', '/api/v1/plugins/white-label-test/settings', { token, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  it("serves the provider's brand, keeping only colour values under sane token names", async () => {
    await settle({ brandName: 'Acme Cloud', primary: '#0a7f5a' });
    assert.deepEqual(await branding(), { name: 'Acme Cloud', logoUrl: '/brand/logo.svg', colors: { primary: '#0a7f5a' } });
  });

  it('falls back to the default look when the plugin is disabled for the tenant or the provider fails', async () => {
    assert.equal((await server.request('POST', '/api/v1/plugins/white-label-test/disable', { token, body: {} })).status, 200);
    assert.deepEqual(await branding(), { name: 'mPanel', logoUrl: null, colors: {} });
    assert.equal((await server.request('POST', '/api/v1/plugins/white-label-test/enable', { token, body: {} })).status, 200);
    await settle({ brandName: 'Acme Cloud', fail: true });
    assert.deepEqual(await branding(), { name: 'mPanel', logoUrl: null, colors: {} });
  });
});
