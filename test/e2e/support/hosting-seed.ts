import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestServer } from '../../../core/src/testing/test-server.ts';

export interface HostingSeed {
  group: string;
  server: string;
  plan: string;
  account: string;
  website: string;
  /** Operation ids by status: one needs attention, one succeeded, one queued. */
  operations: Record<'needs_attention' | 'succeeded' | 'queued', string>;
}

/**
 * A hosting account for a client's paid service, as the provisioning engine would leave it: the
 * group, server and plan through the staff API (the real routes and their validation), the
 * account, one website and three operations in the database (the engine and the agent are other
 * suites' subject: these screens only have to show what they wrote).
 */
export async function seedHosting(server: TestServer, token: string, ids: { client: string; service: string }, name = 'seed'): Promise<HostingSeed> {
  const post = async (path: string, body: unknown) => {
    const res = await server.request('POST', `/api/v1${path}`, { token, body });
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data as { id: string };
  };
  const group = await post('/server-groups', { name: `${name} group`, placement: 'least_full' });
  const host = await post('/servers', { name: `${name}-web1`, hostname: `${name}-web1.example.test`, groupId: group.id, maxAccounts: 50 });
  const plan = await post('/hosting-plans', {
    name: `${name} plan`, serverGroupId: group.id,
    limits: { diskMb: 2048, sites: 3, databases: 2, cronJobs: 2, phpVersions: ['8.2', '8.3'], phpMaxChildren: 5, memoryMb: 256 },
  });
  const { tenant_id: tenantId } = (await server.knex('services').where({ id: ids.service }).first('tenant_id')) as { tenant_id: string };
  await server.knex('servers').where({ id: host.id }).update({ status: 'online', last_seen_at: new Date(), facts: JSON.stringify({ os: 'Debian 12', php: ['8.2', '8.3'], nginx: '1.22.1' }) });
  const account = randomUUID();
  await server.knex('hosting_accounts').insert({
    id: account, tenant_id: tenantId, service_id: ids.service, client_id: ids.client, server_id: host.id, plan_id: plan.id,
    username: `${name.replace(/[^a-z]/g, '').slice(0, 8) || 'seed'}1`, domain: `${name}.example.test`, desired_state: 'active', observed_state: 'active', observed_at: new Date(),
    usage: JSON.stringify({ diskUsedMb: 312 }),
  });
  const website = randomUUID();
  await server.knex('websites').insert({ id: website, tenant_id: tenantId, account_id: account, domain: `${name}.example.test`, docroot: 'public_html', php_version: '8.2', redirect_https: true, state: 'active' });
  const operations = {} as HostingSeed['operations'];
  const steps = [{ name: 'account.ensure', ok: true, ms: 840 }, { name: 'site.ensure', ok: false, ms: 31, detail: 'nginx -t failed: rolled back' }];
  for (const [status, action] of [['needs_attention', 'resource.ensure'], ['succeeded', 'create'], ['queued', 'suspend']] as const) {
    const id = randomUUID();
    await server.knex('provisioning_operations').insert({
      id, tenant_id: tenantId, subject_type: status === 'needs_attention' ? 'site' : 'account', subject_id: status === 'needs_attention' ? website : account, account_id: account, server_id: host.id,
      action, status, attempt: status === 'queued' ? 0 : 1, idempotency_key: `${name}:${status}`, triggered_by: 'system:e2e',
      steps: JSON.stringify(status === 'queued' ? [] : steps), retryable: status === 'needs_attention' ? false : null,
      error_code: status === 'needs_attention' ? 'REMOTE_ERROR' : null, error_message: status === 'needs_attention' ? 'nginx -t failed for the new vhost: rolled back' : null,
    });
    operations[status] = id;
  }
  return { group: group.id, server: host.id, plan: plan.id, account, website, operations };
}
