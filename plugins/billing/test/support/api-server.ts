import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The SDK test host (createTestHost) loads inline definitions, which have no migrations folder;
// billing's schema comes from its migrations, so the API tests boot core's test server with a
// plugins folder holding only billing — as the gateway plugins' HTTP tests do.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';

export async function startBillingServer(): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-billing-plugins-'));
  symlinkSync(fileURLToPath(new URL('../..', import.meta.url)), join(dir, 'billing'));
  const server = await startTestServer({ plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
