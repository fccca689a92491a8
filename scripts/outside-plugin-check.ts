/**
 * The second half of `.ci/outside-plugin.sh`: starts mPanel from this repository with
 * MPANEL_PLUGINS=<the outside plugin's folder> on embedded PGlite, enables the plugin, uses its
 * API as the admin, and checks in Chromium that the admin UI loads the plugin's built screen.
 * Usage: node --import tsx scripts/outside-plugin-check.ts <plugin dir> <plugin id> <data dir>
 * Fails loudly: any unmet expectation throws with what was seen, and the server's output is shown.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { launchBrowser, logIn, watchedPage } from '../test/e2e/support/browser.ts';

const [pluginDir, pluginId, dataDir] = process.argv.slice(2);
if (!pluginDir || !pluginId || !dataDir) throw new Error('usage: outside-plugin-check.ts <plugin dir> <plugin id> <data dir>');
const ADMIN = { email: 'outside@example.test', password: 'outside-plugin-check-0123' };
const root = fileURLToPath(new URL('..', import.meta.url));

const freePort = () => new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let output = '';
/** What the browser reported, shown when the check fails. */
let browserErrors: string[] = [];
const server = spawn(process.execPath, ['bin/mpanel.js', 'start'], {
  cwd: root,
  env: {
    ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'warn',
    MPANEL_PLUGINS: pluginDir, MPANEL_ADMIN_EMAIL: ADMIN.email, MPANEL_ADMIN_PASSWORD: ADMIN.password, DATABASE_URL: '', REDIS_URL: '',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.on('data', (d: Buffer) => (output += d.toString()));
server.stderr.on('data', (d: Buffer) => (output += d.toString()));

async function api<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as T };
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`mPanel exited with ${server.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.status === 200).catch(() => false);
    if (ok && output.includes('is running at')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('mPanel did not answer /api/health within 150 s');
}

try {
  await waitForHealth();
  const health = await api<{ plugins: Array<{ id: string; status: string; error?: string }> }>('GET', '/api/health');
  const mine = health.body.plugins.find((p) => p.id === pluginId);
  assert.equal(mine?.status, 'active', `the outside plugin is not active: ${JSON.stringify(mine ?? health.body.plugins)}`);

  const login = await api<{ data: { accessToken: string } }>('POST', '/api/v1/auth/login', undefined, ADMIN);
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const token = login.body.data.accessToken;
  const enabled = await api('POST', `/api/v1/plugins/${pluginId}/enable`, token);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));

  // Its server part, through the running platform: a billing client, a note on it.
  const client = await api<{ data: { id: string } }>('POST', '/api/v1/clients', token, { email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace', country: 'GB' });
  assert.equal(client.status, 201, JSON.stringify(client.body));
  const clientId = client.body.data.id;
  const note = await api('POST', `/api/v1/${pluginId}/clients/${clientId}/notes`, token, { text: 'Written from outside the repository' });
  assert.equal(note.status, 201, JSON.stringify(note.body));

  // Its screen: the admin UI lists the built module, serves it, and loads it in the browser.
  const catalog = await api<{ data: Array<{ id: string; moduleUrl: string | null }> }>('GET', '/api/v1/ui/plugins?area=admin', token);
  const moduleUrl = catalog.body.data.find((p) => p.id === pluginId)?.moduleUrl;
  assert.ok(moduleUrl, `the admin UI does not list the plugin's UI module: ${JSON.stringify(catalog.body)}`);
  const served = await fetch(url + moduleUrl);
  assert.equal(served.status, 200, `GET ${moduleUrl}`);
  assert.match(await served.text(), /@mpanel\/sdk\/ui/, 'the built module imports the SDK UI through the import map');

  const browser = await launchBrowser();
  try {
    const { page, errors } = await watchedPage(browser, url);
    browserErrors = errors;
    const loaded = page.waitForResponse((r) => r.url().includes(`/admin/plugin-ui/${pluginId}/`) && r.status() === 200, { timeout: 30_000 });
    await logIn(page, '/admin/login', ADMIN.email, ADMIN.password);
    await loaded;
    // Billing's client page (a screen of the billing plugin) shows the outside plugin's tab.
    await page.goto(`/admin/clients/${clientId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-slot="billing.client.tabs"]').getByRole('tab', { name: 'Outside Notes' }).click();
    const tab = page.getByTestId(`${pluginId}-client-notes`);
    await tab.getByText('Written from outside the repository').waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, [], 'browser console errors');
  } finally {
    await browser.close();
  }
  process.stdout.write(`outside plugin ${pluginId}: active in a running mPanel, API answered, its tab rendered on billing's client page in Chromium\n`);
} catch (err) {
  process.stderr.write(`--- mPanel output ---\n${output}\n--- browser errors ---\n${browserErrors.join('\n')}\n--- end ---\n`);
  throw err;
} finally {
  server.kill('SIGTERM');
}
