import { randomUUID } from 'node:crypto';
import { defineResourceFixtures } from '@mpanel/sdk/testing';

export const WALKED_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOxbKblYKIcKTOSTMJmPKhXyZWt9NifQlHKZiIxIV8hA walker@test';

/**
 * One real record of every hosting resource a route takes by id, made through the plugin's own API
 * (a server group with a grant to a sub-tenant, a server, a plan, an account on billing's walked
 * service with a website, a database, an SFTP user and a cron job, and the account's operation).
 */
/**
 * Waits until the provisioning engine is done with the fixtures' operations (runs ended, notices
 * sent, their jobs finished): the walker compares A's data before and after its walk.
 */
async function settled(transaction: Parameters<Parameters<typeof defineResourceFixtures>[0]>[0]['transaction']): Promise<void> {
  const busy = () => transaction(async (trx) => {
    const count = async (q: { count(c: Record<string, string>): Promise<Array<{ n: string | number }>> }) => Number((await q.count({ n: '*' }))[0]!.n);
    return (await count(trx('provisioning_operations').whereIn('status', ['queued', 'running', 'retrying'])))
      + (await count(trx('workflow_runs').where((q) => q.whereIn('status', ['queued', 'running', 'compensating']).orWhere((w) => w.where('status', 'needs_attention').whereNull('notified_at')))))
      + (await count(trx('jobs').whereIn('status', ['waiting', 'active'])));
  });
  const end = Date.now() + 30_000;
  let quiet = 0;
  // Quiet twice in a row: a notice queues its mail job a moment after the run ends.
  while (quiet < 2 && Date.now() < end) {
    quiet = (await busy()) === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export default defineResourceFixtures(async ({ request, transaction, ids, tenantId }) => {
  const group = await request<{ id: string }>('POST', '/api/v1/server-groups', { name: 'Walked group', placement: 'least_full' });
  // A sub-tenant to grant capacity to (the walked tenant is no reseller, so not through the API).
  const child = await transaction(async (trx) => {
    const [row] = (await trx('tenants').insert({ name: 'Walked reseller', slug: `walked-${randomUUID().slice(0, 8)}`, parent_tenant_id: tenantId }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  const grant = await request<{ id: string }>('POST', `/api/v1/server-groups/${group.id}/grants`, { childTenantId: child, maxAccounts: 5 });
  const server = await request<{ id: string }>('POST', '/api/v1/servers', {
    // Not online: the account stays unplaced, so the engine's runs end at once (needs_attention)
    // instead of talking to a server that does not exist while the walker fingerprints A's data.
    name: 'walked1', hostname: 'walked1.example.test', groupId: group.id, status: 'maintenance', maxAccounts: 10, credentials: { token: 'walked-secret' },
  });
  const plan = await request<{ id: string }>('POST', '/api/v1/hosting-plans', {
    name: 'Walked plan', serverGroupId: group.id,
    limits: { diskMb: 1000, sites: 5, databases: 5, cronJobs: 5, phpVersions: ['8.2'], phpMaxChildren: 5, memoryMb: 256, mailDomains: 2, mailboxes: 5, mailboxQuotaMb: 10_000 },
  });
  const account = await request<{ id: string; operation: { id: string } }>('POST', '/api/v1/hosting-accounts', { serviceId: ids.services, planId: plan.id, domain: 'walked.example.test' });
  const under = `/api/v1/hosting-accounts/${account.id}`;
  const website = await request<{ id: string }>('POST', `${under}/websites`, { domain: 'walked.example.test' });
  const database = await request<{ id: string }>('POST', `${under}/databases`, { name: 'shop' });
  const sftp = await request<{ id: string }>('POST', `${under}/sftp-users`, { name: 'deploy', authorizedKeys: [WALKED_KEY] });
  const cron = await request<{ id: string }>('POST', `${under}/cron-jobs`, { schedule: '*/5 * * * *', command: 'php artisan schedule:run' });
  const mailDomain = await request<{ id: string }>('POST', `${under}/mail-domains`, { domain: 'walked.example.test' });
  const mailbox = await request<{ id: string }>('POST', `${under}/mailboxes`, { mailDomainId: mailDomain.id, localPart: 'info', password: 'walked mailbox password', quotaMb: 100 });
  const mailAlias = await request<{ id: string }>('POST', `${under}/mail-aliases`, { mailDomainId: mailDomain.id, localPart: 'sales', targets: ['info@walked.example.test'] });
  // A finished import of the server, written directly: running one would ask the walked server (not online) for its accounts.
  const imported = await transaction(async (trx) => {
    const [row] = (await trx('hosting_imports').insert({ tenant_id: tenantId, server_id: server.id, status: 'succeeded', finished_at: new Date() }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  await settled(transaction);
  return {
    'server-groups': group.id,
    grants: grant.id,
    servers: server.id,
    'hosting-plans': plan.id,
    'hosting-accounts': account.id,
    websites: website.id,
    databases: database.id,
    'sftp-users': sftp.id,
    'cron-jobs': cron.id,
    'mail-domains': mailDomain.id,
    mailboxes: mailbox.id,
    'mail-aliases': mailAlias.id,
    operations: account.operation.id,
    imports: imported,
  };
});
