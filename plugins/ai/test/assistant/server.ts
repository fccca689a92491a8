import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The assistant calls the platform's own API over HTTP, so its tests boot core's test server with
// a plugins folder holding billing, support and ai (as support's own API tests do).
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';

export async function startAssistantServer(env: Record<string, string> = {}): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-ai-assistant-plugins-'));
  for (const name of ['billing', 'support', 'ai']) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({ env, plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Points the assistant at an OpenAI-compatible endpoint (or none). The stand-in llm/client.ts reads
 * the environment; with ai-assist's client (tenant settings) this is the one place to change.
 */
export function configureAi(baseUrl: string | undefined): void {
  if (baseUrl) process.env.MPANEL_AI_BASE_URL = baseUrl;
  else delete process.env.MPANEL_AI_BASE_URL;
}
