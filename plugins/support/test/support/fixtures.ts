import assert from 'node:assert/strict';
import type { TestServer } from '../../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, loginAs, type TenantWithAdmin } from '../../../../core/src/testing/auth.ts';

let counter = 0;

export interface PortalClient { clientId: string; email: string; token: string; userId: string }

/** A client account with a portal login in the admin's tenant, logged in. */
export async function portalClient(server: TestServer, t: TenantWithAdmin, name = 'Grace'): Promise<PortalClient> {
  const email = `${name.toLowerCase()}-${process.pid}-${++counter}@client.test`;
  const password = 'a-long-and-unusual-passphrase';
  const res = await server.request('POST', '/api/v1/clients', { token: t.token, body: { email, firstName: name, lastName: 'Client', country: 'US', currency: 'USD', password } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const session = await loginAs(server, email, password, t.tenant.slug);
  return { clientId: res.body.data.id, email, token: session.accessToken, userId: session.user.id };
}

/** A tenant with its admin and a department (`email` optional). */
export async function tenantWithDepartment(server: TestServer, department: Record<string, unknown> = {}): Promise<TenantWithAdmin & { departmentId: string }> {
  const t = await createTenantWithAdmin(server, { slug: `support-${process.pid}-${++counter}` });
  const res = await server.request('POST', '/api/v1/ticket-departments', { token: t.token, body: { name: 'Technical support', ...department } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { ...t, departmentId: res.body.data.id };
}

export const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
