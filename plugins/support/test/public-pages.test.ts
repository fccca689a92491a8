import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';

type Listed = Array<{ id: string; moduleUrl: string; pages: Array<{ id: string; label: string; path: string }> }>;

/**
 * `GET /api/v1/ui/public-pages`: the portal's pages without a session come from the enabled
 * plugins' manifests (`ui.publicPages`), with their UI module's address; a plugin the tenant
 * turned off lists none. (What those pages read, public content only, is kb.test.ts and
 * announcements.test.ts.)
 */
describe('public portal pages: the list without a session', function () {
  this.timeout(120_000);
  let server: TestServer;
  let tenantId: string;

  before(async () => {
    server = await startTestServer();
    tenantId = ((await server.knex('tenants').where({ slug: 'default' }).first('id')) as { id: string }).id;
  });
  after(async () => server?.close());

  const listed = async (): Promise<Listed> => {
    const res = await server.request('GET', '/api/v1/ui/public-pages');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as Listed;
  };

  it('lists support\'s knowledge base and announcement pages, no login needed, with its UI module\'s address', async () => {
    const support = (await listed()).find((p) => p.id === 'support');
    assert.ok(support);
    assert.deepEqual(support.pages.map((p) => [p.id, p.path]), [['kb', '/client/kb'], ['kb-article', '/client/kb/:slug'], ['announcements', '/client/announcements']]);
    // Only plugins that declare public pages: billing has none.
    assert.ok(!(await listed()).some((p) => p.id === 'billing'));
    // The built module itself (ui/dist) loads signed out in test/e2e/public-pages.test.ts.
    assert.match(support.moduleUrl, /^\/admin\/plugin-ui\/support\/index\.js\?v=/);
  });

  it('a tenant that turned support off lists none of its pages', async () => {
    const states = server.running.platform.container.cradle.pluginTenantStates;
    await states.set(tenantId, 'support', false);
    try {
      assert.ok(!(await listed()).some((p) => p.id === 'support'));
    } finally {
      await states.set(tenantId, 'support', true);
    }
    assert.ok((await listed()).some((p) => p.id === 'support'));
  });
});
