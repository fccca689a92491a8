import assert from 'node:assert/strict';
import type { TestServer } from './test-server.ts';

/** The super admin every test server seeds (see test-server.ts). */
export const TEST_ADMIN = { email: 'admin@example.test', password: 'correct-horse-battery-staple' } as const;
/** A password that passes the policy, for users tests create. */
export const TEST_PASSWORD = 'plenty-long-test-passphrase';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string };
}

/** Logs in (optionally into the tenant with that slug) and fails the test unless it works. */
export async function loginAs(server: TestServer, email: string, password: string, tenant?: string): Promise<Session> {
  const res = await server.request('POST', '/api/v1/auth/login', { body: { email, password, ...(tenant ? { tenant } : {}) } });
  assert.equal(res.status, 200, `login of ${email} failed: ${JSON.stringify(res.body)}`);
  return res.body.data as Session;
}

/** The seeded super admin's access token. */
export async function superAdminToken(server: TestServer): Promise<string> {
  return (await loginAs(server, TEST_ADMIN.email, TEST_ADMIN.password)).accessToken;
}

export interface TenantWithAdmin {
  tenant: { id: string; slug: string; name: string };
  admin: { email: string; password: string; id: string };
  /** The admin's access token. */
  token: string;
}

let counter = 0;

/** Creates a tenant (as the super admin unless `asToken` is given) with its first admin, and logs that admin in. */
export async function createTenantWithAdmin(
  server: TestServer,
  options: { slug?: string; name?: string; parentTenantId?: string; isReseller?: boolean; asToken?: string } = {},
): Promise<TenantWithAdmin> {
  const slug = options.slug ?? `tenant-${process.pid}-${++counter}`;
  const token = options.asToken ?? (await superAdminToken(server));
  const admin = { email: `admin@${slug}.test`, password: TEST_PASSWORD };
  const res = await server.request('POST', '/api/v1/tenants', {
    token,
    body: { name: options.name ?? slug, slug, admin, ...(options.parentTenantId ? { parentTenantId: options.parentTenantId } : {}), ...(options.isReseller ? { isReseller: true } : {}) },
  });
  assert.equal(res.status, 201, `creating tenant ${slug} failed: ${JSON.stringify(res.body)}`);
  const session = await loginAs(server, admin.email, admin.password, slug);
  return { tenant: res.body.data, admin: { ...admin, id: session.user.id }, token: session.accessToken };
}

/** Creates a user with roles in the token's tenant; returns the user and a logged-in token. */
export async function createUser(
  server: TestServer,
  token: string,
  roles: string[],
  options: { email?: string; password?: string; tenant?: string; clientId?: string } = {},
): Promise<{ id: string; email: string; password: string; token: string }> {
  const email = options.email ?? `user-${process.pid}-${++counter}@example.test`;
  const password = options.password ?? TEST_PASSWORD;
  const res = await server.request('POST', '/api/v1/users', { token, body: { email, password, roles, ...(options.clientId ? { clientId: options.clientId } : {}) } });
  assert.equal(res.status, 201, `creating user ${email} failed: ${JSON.stringify(res.body)}`);
  const session = await loginAs(server, email, password, options.tenant);
  return { id: res.body.data.id, email, password, token: session.accessToken };
}

/**
 * A client account of the token's tenant (the billing plugin's, which the default test server
 * loads): what a user of the client role must belong to.
 */
export async function createClientAccount(server: TestServer, token: string): Promise<string> {
  const res = await server.request('POST', '/api/v1/clients', { token, body: { email: `client-${process.pid}-${++counter}@example.test`, firstName: 'Test', lastName: 'Client', country: 'DE' } });
  assert.equal(res.status, 201, `creating a client account failed: ${JSON.stringify(res.body)}`);
  return res.body.data.id as string;
}
