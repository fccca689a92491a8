import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { extensionPoints, type OperationContext, type ProvisioningCall, type ProvisioningModule } from '@mpanel/sdk';
// The plugin's HTTP tests boot core's test server with billing, hosting and this plugin (as hosting's own tests do).
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../../core/src/testing/auth.ts';

import { enrollAgent, loadState, type AgentState, type OpRunner } from '@mpanel/agent';

export type { TestServer, TenantWithAdmin };
export { createTenantWithAdmin };

export async function startAgentPanel(env: Record<string, string> = {}): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-agent-plugins-'));
  for (const name of ['billing', 'hosting', 'provisioning-agent']) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({ env: { MPANEL_AGENT_POLL_MS: '1000', ...env }, plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The module as the hosting plugin gets it through the extension point. */
export function agentModule(server: TestServer): ProvisioningModule {
  const registry = server.running.platform.container.cradle.pluginServices as { listExtensions(p: unknown): Array<{ key: string; impl: unknown }> };
  const found = registry.listExtensions(extensionPoints.provisioning).find((e) => e.key === 'mpanel-agent');
  if (!found) throw new Error('mpanel-agent module is not provided');
  return found.impl as ProvisioningModule;
}

/** A hosting server row of a tenant, as hosting's API would make it. */
export async function insertServer(server: TestServer, tenantId: string, hostname = `web-${randomUUID().slice(0, 8)}.test`): Promise<string> {
  const [row] = await server.knex('servers').insert({ tenant_id: tenantId, name: hostname.split('.')[0], hostname }).returning('id');
  return (row as { id: string }).id;
}

/** Issues a token as the tenant's admin and enrolls an agent with it into `stateDir`. */
export async function enrollServer(server: TestServer, admin: TenantWithAdmin, serverId: string, stateDir: string, runOp: OpRunner): Promise<{ state: AgentState; privateKeyPem: string }> {
  const res = await server.request('POST', `/api/v1/servers/${serverId}/enrollment`, { token: admin.token });
  if (res.status !== 201) throw new Error(`enrollment token: ${res.status} ${JSON.stringify(res.body)}`);
  await enrollAgent({ panelUrl: server.url, token: res.body.data.token, stateDir, runOp });
  return loadState(stateDir);
}

export interface RecordedSteps {
  steps: Array<{ name: string; ok: boolean; ms?: number; detail?: string }>;
}

export function callFor(tenantId: string, serverId: string, username: string, extra: Partial<ProvisioningCall> = {}): ProvisioningCall & RecordedSteps {
  const steps: RecordedSteps['steps'] = [];
  const operation: OperationContext = {
    id: randomUUID(), action: 'create', attempt: 1, idempotencyKey: randomUUID(), deadline: new Date(Date.now() + 120_000),
    step: (name, data) => void steps.push({ name, ok: data.ok, ...(data.ms !== undefined ? { ms: data.ms } : {}), ...(data.detail ? { detail: data.detail } : {}) }),
  };
  return {
    tenantId, settings: {}, steps,
    server: { id: serverId, hostname: 'web.test', credentials: {} },
    account: { serviceId: randomUUID(), clientId: randomUUID(), username, packageConfig: {} },
    plan: { diskMb: 1000, sites: 2, databases: 2, phpVersions: ['8.2'], phpMaxChildren: 4, memoryMb: 256 },
    operation,
    ...extra,
  };
}
