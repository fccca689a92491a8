import assert from 'node:assert/strict';
import type { PluginManifest } from '@mpanel/sdk';
import { managerCatalog } from '../src/ui/manager-catalog.ts';

const manifest = (id: string, extra: Partial<PluginManifest> = {}) => ({ id, name: id, version: '1.0.0', ...extra }) as unknown as PluginManifest;

/**
 * The plugin list the UI loads names each plugin's dependencies: the host lets billing's pay screen
 * load the scripts a gateway depending on billing declared (and no other plugin's).
 */
describe('UI plugin catalog: dependencies of the plugins enabled for a tenant', () => {
  const records: Record<string, { manifest: PluginManifest; directory: string | null }> = {
    billing: { manifest: manifest('billing'), directory: null },
    'gateway-stripe': { manifest: manifest('gateway-stripe', { dependencies: { billing: '>=0.1.0' } }), directory: null },
  };
  const manager = {
    list: () => Object.keys(records).map((id) => ({ id, version: '1.0.0', status: 'active' })),
    get: (id: string) => records[id],
  };

  it('lists each plugin with the ids it depends on, none for a plugin without dependencies', async () => {
    const list = await managerCatalog(manager, { disabledFor: async () => new Set() }).list('t1');
    assert.deepEqual(list.map((p) => [p.id, p.dependencies]), [['billing', []], ['gateway-stripe', ['billing']]]);
  });

  it('leaves out a plugin disabled for the tenant', async () => {
    const list = await managerCatalog(manager, { disabledFor: async () => new Set(['gateway-stripe']) }).list('t1');
    assert.deepEqual(list.map((p) => p.id), ['billing']);
  });
});
