import { randomUUID } from 'node:crypto';
import { Harness } from '../plugins/hosting/test/provisioning/harness.ts';

export interface ReconcileFigures { module: string; ms: number; accounts: number; drifted: number; repaired: number }

/**
 * Reconcile of one server with `n` accounts, through the real route (`POST /servers/:id/reconcile`:
 * the engine's checkServer, every account observed and compared, drift stored, repairs queued) on
 * PostgreSQL, against the in-memory module: creating 1,000 real Linux accounts for this would take
 * longer than the bench itself. 2 % of the accounts drift (active on the server, suspended in
 * billing) and must come out repaired.
 */
export async function reconcileBench(n: number): Promise<ReconcileFigures> {
  const h = await new Harness().start();
  try {
    const w = await h.world({ remotePackage: null });
    const tenant_id = w.t.tenant.id;
    const [client] = await h.knex('clients').insert({ tenant_id, email: `bench-${randomUUID().slice(0, 8)}@example.test`, first_name: 'Bench', last_name: 'Client', country: 'DE', currency: 'USD' }).returning('id');
    const today = new Date().toISOString().slice(0, 10);
    const rows = Array.from({ length: n }, (_, i) => ({ i, id: randomUUID(), username: `r${String(i).padStart(6, '0')}`, drift: i % 50 === 0 }));
    for (let at = 0; at < rows.length; at += 500) {
      const batch = rows.slice(at, at + 500);
      await h.knex('services').insert(batch.map((r) => ({
        id: r.id, tenant_id, client_id: client.id, product_id: w.productId, status: r.drift ? 'suspended' : 'active', suspend_reason: r.drift ? 'overdue' : null,
        cycle: 'monthly', currency: 'USD', amount: 1000, registration_date: today, anchor_day: 1,
      })));
      await h.knex('hosting_accounts').insert(batch.map((r) => ({
        tenant_id, service_id: r.id, client_id: client.id, server_id: w.serverId, plan_id: w.planId, username: r.username,
        desired_state: r.drift ? 'suspended' : 'active', observed_state: 'active',
      })));
    }
    for (const r of rows) w.remote.accounts.set(r.username, { username: r.username, serviceId: r.id, status: 'active' });

    const t0 = performance.now();
    const res = await h.api<{ data: { accounts: Array<{ drift: unknown[]; repairs: string[] }> } }>(w.t, 'POST', `/api/v1/servers/${w.serverId}/reconcile`, undefined, 200);
    const ms = performance.now() - t0;
    const checked = res.body.data.accounts;
    if (checked.length !== n) throw new Error(`reconcile checked ${checked.length} of ${n} accounts`);
    return {
      module: 'in-memory module, PostgreSQL', ms, accounts: checked.length,
      drifted: checked.filter((a) => a.drift.length > 0).length, repaired: checked.filter((a) => a.repairs.length > 0).length,
    };
  } finally {
    await h.stop();
  }
}
