import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { staticCatalog, type UiPluginEntry } from '../src/ui/catalog.ts';
import { mergeOrigins } from '../src/ui/csp.ts';
import { serveUi } from '../src/ui/serve-ui.ts';

const entry = (id: string, externalOrigins?: UiPluginEntry['ui']['externalOrigins']): UiPluginEntry => ({
  id, name: id, version: '1.0.0', hasSettings: false, directory: null, uiEntry: null, ui: externalOrigins ? { externalOrigins } : {},
});

/** The CSP directives of a header, by name. */
const directives = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('UI pages: Content-Security-Policy with the origins plugins declare', () => {
  const dist = mkdtempSync(join(tmpdir(), 'mpanel-csp-'));
  mkdirSync(join(dist, 'client'));
  const html = '<!doctype html><html><head><script type="importmap">{"imports":{}}</script></head><body></body></html>';
  writeFileSync(join(dist, 'index.html'), html);
  writeFileSync(join(dist, 'client', 'index.html'), html);
  let entries: UiPluginEntry[] = [];
  let server: Server;
  const csp = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    assert.equal(res.status, 200);
    return directives(res.headers.get('content-security-policy') ?? '');
  };

  before(() => {
    const app = new Koa();
    app.use(serveUi({ dist, catalog: () => staticCatalog(entries) }));
    server = app.listen(0, '127.0.0.1');
  });
  after(() => server.close());

  it('adds every active plugin\'s declared script, frame and connect origins to both apps, and drops them with the plugin', async () => {
    entries = [
      entry('pay', { scripts: ['https://js.pay.example'], frames: ['https://js.pay.example', 'https://3ds.pay.example'], connect: ['https://api.pay.example'] }),
      entry('maps', { scripts: ['https://maps.example', 'https://js.pay.example'] }),
      entry('plain'),
    ];
    for (const path of ['/client/p/pay/cards', '/admin/']) {
      const d = await csp(path);
      assert.deepEqual(d['script-src']!.filter((s) => s.startsWith('http')), ['https://js.pay.example', 'https://maps.example']);
      assert.deepEqual(d['frame-src'], ['https://3ds.pay.example', 'https://js.pay.example']);
      assert.ok(d['connect-src']!.includes('https://api.pay.example'));
      assert.ok(d['script-src']!.some((s) => s.startsWith("'sha256-")), 'the import map stays allowed by hash');
      assert.ok(!d['script-src']!.includes("'unsafe-inline'"));
    }
    entries = [entry('plain')];
    const d = await csp('/client/');
    assert.deepEqual(d['script-src']!.filter((s) => s.startsWith('http')), [], 'no plugin declares any: scripts from this origin only');
    assert.equal(d['frame-src'], undefined);
    assert.ok(!d['connect-src']!.includes('https://api.pay.example'));
  });

  it('merges declarations into one sorted list per directive, each origin once', () => {
    assert.deepEqual(mergeOrigins({ scripts: ['https://b', 'https://a'] }, undefined, { scripts: ['https://a'], connect: ['https://c'] }), {
      scripts: ['https://a', 'https://b'], frames: [], connect: ['https://c'],
    });
  });
});
