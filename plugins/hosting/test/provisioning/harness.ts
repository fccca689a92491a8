import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginDefinition } from '@mpanel/sdk';
// Hosting's schema comes from its migrations: boot core's test server with a plugins folder
// holding billing and hosting (as billing's API tests do), plus the in-memory module.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../../core/src/testing/auth.ts';
import { lab, memoryProvider } from './memory-plugin.ts';
import type { MemoryServer } from './memory-module.ts';

export { lab };

export interface World {
  t: TenantWithAdmin;
  serverId: string;
  planId: string;
  productId: string;
  groupId: string;
  remote: MemoryServer;
}

export interface Ordered { serviceId: string; invoiceId: string; total: number; accountId?: string }

/** Polls until `probe` returns something truthy. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what} not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export class Harness {
  server!: TestServer;
  private dir = '';

  /** `plugins`: more of the repository's plugins to load beside billing and hosting (`notifications`). */
  async start(opts: { plugins?: string[]; definitions?: PluginDefinition[]; env?: Record<string, string> } = {}): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'mpanel-hosting-plugins-'));
    for (const name of ['billing', 'hosting', ...(opts.plugins ?? [])]) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(this.dir, name));
    this.server = await startTestServer({
      env: { WORKFLOW_LEASE_MS: '400', WORKFLOW_SWEEP_MS: '50', ...opts.env },
      plugins: { directories: [this.dir], definitions: [memoryProvider, ...(opts.definitions ?? [])], eventRetryBaseMs: 50 },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  get knex() {
    return this.server.knex;
  }

  async api<T = any>(t: TenantWithAdmin | string, method: string, path: string, body?: unknown, status?: number): Promise<{ status: number; body: T }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await this.server.request(method, path, { token: typeof t === 'string' ? t : t.token, ...(body !== undefined ? { body } : {}) });
    if (status !== undefined) assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res as { status: number; body: T };
  }

  /** A tenant with a group, an online in-memory server and a plan, and a hosting product using it. */
  async world(opts: { remotePackage?: string | null } = {}): Promise<World> {
    const t = await createTenantWithAdmin(this.server);
    const tenant_id = t.tenant.id;
    const [group] = await this.knex('server_groups').insert({ tenant_id, name: `g-${randomUUID().slice(0, 6)}`, placement: 'least_full', module: 'memory' }).returning('id');
    const [server] = await this.knex('servers').insert({ tenant_id, group_id: group.id, name: 'web1', hostname: `web1-${randomUUID().slice(0, 6)}.test`, module: 'memory', status: 'online', max_accounts: 100 }).returning('id');
    const limits = { diskMb: 1000, sites: 2, databases: 2, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256 };
    const [plan] = await this.knex('hosting_plans').insert({ tenant_id, name: `p-${randomUUID().slice(0, 6)}`, server_group_id: group.id, limits: JSON.stringify(limits), remote_package: opts.remotePackage === undefined ? 'basic' : opts.remotePackage }).returning('id');
    const product = await this.api(t, 'POST', '/api/v1/products', {
      name: 'Web hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }], provisioning: { module: 'hosting', config: { planId: plan.id } },
    }, 201);
    const remote = lab.server(server.id);
    remote.token = null; // stored without credentials: the fake asks for none
    return { t, serverId: server.id, planId: plan.id, productId: product.body.data.id, groupId: group.id, remote };
  }

  /** A client orders the product for `domain`; the invoice is not paid yet. */
  async order(w: World, domain = `${randomUUID().slice(0, 8)}.test`, client: Record<string, unknown> = {}): Promise<Ordered & { clientId: string }> {
    const created = await this.api(w.t, 'POST', '/api/v1/clients', { email: `c-${randomUUID().slice(0, 8)}@example.test`, firstName: 'Ann', lastName: 'Client', country: 'DE', ...client }, 201);
    const placed = await this.api(w.t, 'POST', '/api/v1/orders', { clientId: created.body.data.id, items: [{ productId: w.productId, cycle: 'monthly', domain }] }, 201);
    return { clientId: created.body.data.id, serviceId: placed.body.data.services[0].id, invoiceId: placed.body.data.invoice.id, total: placed.body.data.invoice.total };
  }

  async pay(w: World, o: Ordered): Promise<void> {
    await this.api(w.t, 'POST', `/api/v1/invoices/${o.invoiceId}/payments`, { amount: o.total, gateway: 'manual', transactionId: `T-${randomUUID()}` }, 201);
  }

  async service(w: World, serviceId: string): Promise<{ status: string; suspendReason: string | null }> {
    return (await this.api(w.t, 'GET', `/api/v1/services/${serviceId}`, undefined, 200)).body.data;
  }

  account(serviceId: string): Promise<Record<string, any> | undefined> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.knex('hosting_accounts').where({ service_id: serviceId }).first();
  }

  ops(accountId: string): Promise<Array<Record<string, any>>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.knex('provisioning_operations').where({ account_id: accountId }).orderBy('created_at');
  }

  async opWhere(accountId: string, action: string, status: string | string[], ms = 15_000): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const wanted = Array.isArray(status) ? status : [status];
    return waitFor(async () => (await this.ops(accountId)).find((o) => o.action === action && wanted.includes(o.status)), ms, `${action} ${wanted.join('|')}`)
      .catch(async (err: Error) => {
        const rows = await this.ops(accountId);
        const runs = await this.knex('workflow_runs').whereIn('id', rows.map((r) => r.workflow_run_id).filter(Boolean)).select('id', 'status', 'last_error', 'next_attempt_at', 'kicked_at', 'lease_owner');
        throw new Error(`${err.message}; operations: ${JSON.stringify(rows.map((r) => [r.action, r.status, r.attempt, r.error_code, r.error_message]))}; runs: ${JSON.stringify(runs)}`);
      });
  }

  /** The clock moves past the operation's next try: its run is due now (the sweeper picks it up). */
  async moveClock(op: { id: string; workflow_run_id: string }): Promise<void> {
    // The operation says `retrying` a moment before the runtime gives the run back with its wait.
    await waitFor(async () => {
      const run = await this.knex('workflow_runs').where({ id: op.workflow_run_id }).first();
      return run && (!run.lease_owner && new Date(run.next_attempt_at).getTime() > Date.now() || ['superseded', 'succeeded', 'needs_attention', 'cancelled'].includes(run.status));
    }, 15_000, 'run given back');
    const past = new Date(Date.now() - 1000);
    await this.knex('workflow_runs').where({ id: op.workflow_run_id }).update({ next_attempt_at: past, kicked_at: null });
    await this.knex('provisioning_operations').where({ id: op.id }).update({ next_attempt_at: past });
  }

  events(name: string): Promise<Array<{ id: string; payload: Record<string, unknown>; tenant_id: string }>> {
    return this.knex('outbox_events').where({ name }).orderBy('created_at') as never;
  }
}
