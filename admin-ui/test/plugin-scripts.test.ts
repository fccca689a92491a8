import { useDom } from './support/mount.ts';
import assert from 'node:assert/strict';
import { defineUiPlugin, type UiHost } from '@mpanel/sdk/ui';
import { useFetch, json } from './support/fetch.ts';
import { loadPlugins } from '../src/shared/plugin-loader.ts';

const plugin = (id: string, scripts: string[] = [], dependencies: string[] = []) => ({
  id, name: id, version: '1.0.0', hasSettings: false, moduleUrl: `/admin/plugin-ui/${id}/index.js`, dependencies, ui: { externalOrigins: { scripts } },
});

/**
 * `host.loadScript` loads only from origins the plugin declared, or a plugin depending on it
 * declared (billing's pay screen loads the Stripe.js gateway-stripe declares); any other is refused
 * before a script element exists.
 */
describe('admin-ui plugin scripts: declared origins, the plugin\'s own or its dependents\'', () => {
  useDom();
  const server = useFetch();
  const hosts: Record<string, UiHost> = {};
  const module = (id: string) => ({ default: defineUiPlugin({ id, setup: (host) => void (hosts[id] = host) }) });

  beforeEach(async () => {
    server.answer(() => json({ data: [plugin('billing'), plugin('gateway-stripe', ['https://js.stripe.com'], ['billing']), plugin('hello')] }));
    await loadPlugins({ area: 'portal', onPage: () => undefined, notify: () => undefined, importModule: async (url) => module(url.split('/')[3]!) });
  });

  it('refuses an origin nobody declared, and another plugin\'s origin to a plugin it does not depend on', async () => {
    await assert.rejects(hosts.billing!.loadScript('https://evil.example/x.js'), /billing did not declare the origin of https:\/\/evil\.example\/x\.js/);
    await assert.rejects(hosts.hello!.loadScript('https://js.stripe.com/v3/'), /hello did not declare the origin/);
    assert.equal(document.querySelectorAll('script[src]').length, 0, 'no script element for a refused URL');
  });

  it('lets billing load the script of a gateway depending on it (a script element for it)', () => {
    void hosts.billing!.loadScript('https://js.stripe.com/v3/').catch(() => undefined);
    assert.deepEqual([...document.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')), ['https://js.stripe.com/v3/']);
  });
});
