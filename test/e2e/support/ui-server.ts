import { execFileSync } from 'node:child_process';
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
import type { CoreModule } from '../../../core/src/module.ts';
import { fixturePluginsModule } from './fixture-plugins.ts';

export const ADMIN = { email: 'admin@example.test', password: 'correct-horse-battery-staple' };

let built = false;

/** The plugin UIs built from .vue/TS by `mpanel plugin:build`: the real plugins' and the e2e fixtures'. */
const PLUGIN_UIS = ['--all', 'test/e2e/fixtures/slots'];

/**
 * Builds the UI and the plugin UI bundles once per run (E2E_SKIP_BUILD=1 reuses admin-ui/dist and
 * the plugins' ui/dist), so the tests drive the current code.
 */
export function buildUi(): void {
  if (built || process.env.E2E_SKIP_BUILD === '1') return;
  execFileSync('npm', ['run', 'build', '-w', '@mpanel/admin-ui'], { stdio: 'ignore' });
  for (const target of PLUGIN_UIS) execFileSync(process.execPath, ['bin/mpanel.js', 'plugin:build', target], { stdio: 'ignore' });
  built = true;
}

/** The real server on an ephemeral port with a fresh database, serving the built UI and two fixture plugin UIs (and `modules`). */
export async function startUiServer(env?: Record<string, string>, modules: CoreModule[] = []): Promise<TestServer> {
  buildUi();
  return startTestServer({ modules: [fixturePluginsModule, ...modules], env });
}

export async function adminToken(server: TestServer): Promise<string> {
  const res = await server.request('POST', '/api/v1/auth/login', { body: ADMIN });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.accessToken as string;
}
