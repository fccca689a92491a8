import assert from 'node:assert/strict';
import type { TestServer } from './server.ts';

export const LIMITS = { diskMb: 1000, sites: 2, databases: 1, cronJobs: 1, phpVersions: ['8.2', '8.3'], phpMaxChildren: 5, memoryMb: 256 };

/** A request that must succeed (`status`), answering its `data`. */
export async function must<T = any>(server: TestServer, token: string, method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  assert.equal(res.status, status, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as T;
}

let n = 0;

/** Billing's side of a hosting order in the token's tenant: a client and a service of a hosting product selling `planId`. */
export async function seedService(server: TestServer, token: string, planId: string | null, clientId?: string): Promise<{ serviceId: string; clientId: string; productId: string }> {
  n++;
  const product = await must(server, token, 'POST', '/api/v1/products', {
    name: `Hosting ${n}`, type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 500 }],
    ...(planId ? { provisioning: { module: 'hosting', config: { planId } } } : {}),
  });
  const client = clientId ?? (await must(server, token, 'POST', '/api/v1/clients', { email: `c${n}-${Date.now()}@client.test`, firstName: 'C', lastName: String(n), country: 'US', currency: 'USD' })).id;
  const placed = await must(server, token, 'POST', '/api/v1/orders', { clientId: client, items: [{ productId: product.id, cycle: 'monthly', domain: `site${n}.example.test` }] });
  return { serviceId: placed.services[0].id, clientId: client, productId: product.id };
}

/** A group with servers (name → fields) and a plan on it. */
export async function seedGroup(server: TestServer, token: string, placement: string, servers: Array<Record<string, unknown>>, limits: Record<string, unknown> = LIMITS) {
  n++;
  const group = await must(server, token, 'POST', '/api/v1/server-groups', { name: `group ${n}`, placement });
  const made = [];
  for (const [i, s] of servers.entries()) made.push(await must(server, token, 'POST', '/api/v1/servers', { name: `s${n}-${i}`, hostname: `s${n}-${i}.example.test`, groupId: group.id, status: 'online', ...s }));
  const plan = await must(server, token, 'POST', '/api/v1/hosting-plans', { name: `plan ${n}`, serverGroupId: group.id, limits });
  return { group, servers: made, plan };
}
