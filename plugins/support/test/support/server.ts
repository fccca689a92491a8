import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Support's schema comes from its migrations (and billing's), so its HTTP tests boot core's test
// server with a plugins folder holding billing and support, as billing's own API tests do.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';

export interface SupportServer {
  server: TestServer;
  dataDir: string;
  close(): Promise<void>;
}

/** Core's test server with billing and support loaded; `env` adds to the test server's environment. */
export async function startSupportServer(env: Record<string, string> = {}): Promise<SupportServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-support-plugins-'));
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'mpanel-support-data-'));
  for (const name of ['billing', 'support']) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({ env: { DATA_DIR: dataDir, ...env }, plugins: { directories: [dir] } });
  return {
    server,
    dataDir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
