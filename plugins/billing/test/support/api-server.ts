import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The SDK test host (createTestHost) loads inline definitions, which have no migrations folder;
// billing's schema comes from its migrations, so the API tests boot core's test server with a
// plugins folder holding only billing — as the gateway plugins' HTTP tests do.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';

/** `with`: other plugins of this repository to load beside billing (e.g. `gateway-manual`). */
export async function startBillingServer(withPlugins: string[] = [], env: Record<string, string> = {}): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-billing-plugins-'));
  for (const name of ['billing', ...withPlugins]) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({ env, plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
