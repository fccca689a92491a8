/** The files of a new plugin: the smallest plugin that does something, and its test. */
export function scaffoldFiles(id: string, name: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({ name: `@mpanel/plugin-${id}`, version: '0.1.0', private: true, type: 'module', license: 'MIT', exports: { '.': './plugin.ts' }, dependencies: { '@mpanel/sdk': '0.1.0' } }, null, 2)}\n`,
    'plugin.ts': `import { definePlugin, ok } from '@mpanel/sdk';

export default definePlugin({
  manifest: {
    id: '${id}',
    name: '${name}',
    version: '0.1.0',
    engines: { mpanel: '>=0.1.0' },
    category: 'feature',
    permissions: [{ name: '${id}.read', description: 'Use ${name}', defaultRoles: ['admin'] }],
    events: { emits: ['${id}.greeted'] },
  },
  register(ctx) {
    ctx.routes.add({
      method: 'GET',
      path: '/api/v1/${id}/hello',
      permission: '${id}.read',
      handler: async () => {
        await ctx.events.emit('${id}.greeted', { at: new Date().toISOString() });
        return ok({ message: 'Hello from ${name}' });
      },
    });
  },
});
`,
    'test/plugin.test.ts': `import assert from 'node:assert/strict';
import { createTestHost, type TestHost } from '@mpanel/sdk/testing';
import plugin from '../plugin.ts';

describe('${id} plugin', () => {
  let host: TestHost;
  before(async () => {
    host = await createTestHost({ plugins: [plugin] });
  });
  after(() => host?.close());

  it('says hello and emits ${id}.greeted', async () => {
    const res = await host.request('GET', '/api/v1/${id}/hello');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.message, 'Hello from ${name}');
    assert.equal((await host.events('${id}.greeted')).length, 1);
  });
});
`,
    'migrations/.gitkeep': '',
  };
}
