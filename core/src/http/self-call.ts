import type { RouteInfo, SelfRequest, SelfResponse } from '@mpanel/sdk';
import type { RegisteredRoute } from './route-registry.ts';

/** How long a call of the platform's own API may take before it is abandoned. */
const SELF_CALL_TIMEOUT_MS = 30_000;

/** A registered route as data for plugins (`ctx.routes.catalog()`): no handler, nothing core-internal. */
export function routeInfo(route: RegisteredRoute): RouteInfo {
  return {
    method: route.method, path: route.path, owner: route.owner, permission: route.permission, public: route.public === true,
    scope: route.scope, summary: route.summary, schema: route.schema,
  };
}

/**
 * `ctx.routes.call`: an HTTP request to this process's own listener, so the call goes through
 * every guard a browser's would (authentication, tenant, permission, ownership, validation, audit)
 * with the caller's own credentials. Loopback HTTP rather than an in-process shortcut, on purpose:
 * no path around the guards can exist.
 */
export async function callSelf(servedAt: string | undefined, request: SelfRequest): Promise<SelfResponse> {
  if (!servedAt) throw new Error('ctx.routes.call: the platform is not serving HTTP in this process');
  if (!request.path.startsWith('/api/')) throw new Error(`ctx.routes.call: ${request.path} is not an API path`);
  const url = new URL(request.path, servedAt);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { authorization: request.authorization, accept: 'application/json' };
  if (request.actAsTenant) headers['x-tenant-id'] = request.actAsTenant;
  let body: string | undefined;
  if (request.body !== undefined && request.method !== 'GET') {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(SELF_CALL_TIMEOUT_MS) });
  const text = await res.text();
  let parsed: unknown = null;
  if (/^application\/([\w.-]+\+)?json\b/.test(res.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed };
}
