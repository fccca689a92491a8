import { execFileSync } from 'node:child_process';
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
import type { CoreModule } from '../../../core/src/module.ts';
import { fixturePluginsModule } from './fixture-plugins.ts';

export const ADMIN = { email: 'admin@example.test', password: 'correct-horse-battery-staple' };

let built = false;

/** Builds the UI once per run (E2E_SKIP_BUILD=1 reuses admin-ui/dist), so the tests drive the current code. */
export function buildUi(): void {
  if (built || process.env.E2E_SKIP_BUILD === '1') return;
  execFileSync('npm', ['run', 'build', '-w', '@mpanel/admin-ui'], { stdio: 'ignore' });
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
