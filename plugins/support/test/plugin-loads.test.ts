import assert from 'node:assert/strict';
import { startSupportServer, type SupportServer } from './support/server.ts';

describe('support plugin', function () {
  this.timeout(60_000);
  let s: SupportServer;
  before(async () => { s = await startSupportServer(); });
  after(async () => { await s?.close(); });

  it('loads beside billing and is active', async () => {
    const health = await s.server.request('GET', '/api/health');
    const support = health.body.plugins.find((p: { id: string }) => p.id === 'support');
    assert.equal(support?.status, 'active', JSON.stringify(health.body.plugins));
  });
});
