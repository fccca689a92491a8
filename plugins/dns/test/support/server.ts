import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The dns schema comes from its migrations (and billing's): core's test server with a plugins
// folder holding billing and dns, plus the in-memory provider given as a definition.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
import { dnsConsumerPlugin, memoryDnsPlugin } from './memory-provider.ts';

export type { TestServer };

export async function startDnsServer(opts: { provider?: boolean } = {}): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-dns-plugins-'));
  for (const name of ['billing', 'dns']) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({
    env: { WORKFLOW_LEASE_MS: '400', WORKFLOW_SWEEP_MS: '50' },
    plugins: { directories: [dir], definitions: opts.provider === false ? [dnsConsumerPlugin] : [memoryDnsPlugin, dnsConsumerPlugin], eventRetryBaseMs: 50 },
  });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request that must answer `status`, giving its `data`. */
export async function must<T = any>(server: TestServer, token: string, method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  assert.equal(res.status, status, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as T;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what} not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 30));
  }
}
