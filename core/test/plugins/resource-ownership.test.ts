import assert from 'node:assert/strict';
import { definePlugin, ok, type PluginDefinition, type PluginManifest } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';
import { resourceSegment } from '../../src/plugins/resource-ownership.ts';

const base = { version: '1.0.0', engines: { mpanel: '*' } };
const plugin = (manifest: Omit<PluginManifest, 'version' | 'engines' | 'name'>, routePath?: string): PluginDefinition =>
  definePlugin({
    manifest: { ...base, name: manifest.id, ...manifest },
    register(ctx) {
      if (routePath) ctx.routes.add({ method: 'POST', path: routePath, permission: 'plugins.read', handler: () => ok({ served: manifest.id }) });
    },
  });

const plugins = [
  plugin({ id: 'widget-maker', resources: ['widgets'], permissions: [{ name: 'widgets.read', description: 'See widgets' }], events: { emits: ['widget.made'] } }, '/api/v1/widgets/:id/make'),
  // Names in another plugin's resources, with the dependency declared: allowed.
  plugin({
    id: 'widget-polish', dependencies: { 'widget-maker': '*' },
    permissions: [{ name: 'widgets.polish', description: 'Polish widgets' }], events: { emits: ['widget.polished'] },
  }, '/api/v1/widgets/:id/polish'),
  plugin({ id: 'widgets-clone', resources: ['widgets'] }),
  plugin({ id: 'widgets-singular', resources: ['widget'] }),
  plugin({ id: 'user-thief', resources: ['users'] }),
  plugin({ id: 'stray-perm', permissions: [{ name: 'gadgets.read', description: 'Not mine' }] }),
  plugin({ id: 'stray-event', events: { emits: ['gadget.made'] } }),
  plugin({ id: 'stray-route' }, '/api/v1/gadgets'),
  plugin({ id: 'squatter', permissions: [{ name: 'widgets.steal', description: 'No dependency' }] }),
  plugin({ id: 'core-perm', permissions: [{ name: 'roles.hack', description: 'Core resource' }] }),
];

describe('names belong to their owner (manifest resources)', () => {
  let server: TestServer;
  let status: Record<string, { status: string; error?: string }>;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: plugins } });
    const cradle = server.running.platform.container.cradle;
    status = Object.fromEntries(cradle.pluginStatus.list().map((p) => [p.id, p]));
  });
  after(() => server?.close());

  const failed = (id: string, message: RegExp) => {
    assert.equal(status[id]?.status, 'failed', id);
    assert.match(status[id]!.error!, message);
  };

  it('a second plugin claiming a resource fails to load, naming both plugins', () => {
    assert.equal(status['widget-maker']?.status, 'active');
    failed('widgets-clone', /Plugin "widgets-clone" claims resource "widgets", which already belongs to plugin "widget-maker"/);
    failed('widgets-singular', /Plugin "widgets-singular" claims resource "widget", which already belongs to plugin "widget-maker"/);
  });

  it("core's resources are reserved", () => {
    failed('user-thief', /claims resource "users", which is reserved for core/);
    failed('core-perm', /permission "roles.hack" is in resource "roles", which is reserved for core/);
  });

  it('permissions, events and routes outside the owned resources are rejected', () => {
    failed('stray-perm', /Plugin "stray-perm": permission "gadgets.read" is outside the resources it owns \(stray-perm\)/);
    failed('stray-event', /Plugin "stray-event": event "gadget.made" is outside the resources it owns/);
    failed('stray-route', /Plugin "stray-route": route "\/api\/v1\/gadgets" is outside the resources it owns/);
    failed('squatter', /permission "widgets.steal" is in resource "widgets" of plugin "widget-maker"; declare a dependency on "widget-maker"/);
  });

  it("a plugin that depends on another may use that plugin's resource names", async () => {
    assert.equal(status['widget-polish']?.status, 'active');
    const token = await superAdminToken(server);
    const id = '00000000-0000-4000-8000-000000000001';
    const polish = await server.request('POST', `/api/v1/widgets/${id}/polish`, { token });
    assert.deepEqual([polish.status, polish.body.data], [200, { served: 'widget-polish' }]);
    // What the failed plugins registered is gone: their routes answer 404.
    assert.equal((await server.request('POST', '/api/v1/gadgets', { token })).status, 404);
  });

  it('reads the resource of each kind of name', () => {
    assert.equal(resourceSegment('permission', 'billing.reports.read'), 'billing');
    assert.equal(resourceSegment('event', 'creditNote.issued'), 'credit-note');
    assert.equal(resourceSegment('route', '/api/webhooks/stripe/:tenantId'), 'stripe');
    assert.equal(resourceSegment('route', '/api/v1/servers/:id/agent'), 'servers');
    // The hosting agent's protocol routes belong to the resource `agent`.
    assert.equal(resourceSegment('route', '/api/agent/v1/jobs/:id/result'), 'agent');
  });
});
