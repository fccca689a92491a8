import { ConflictError, ForbiddenError, HttpError, NotFoundError, type PluginContext, type RouteContext } from '@mpanel/sdk';

export interface WebsiteFacts {
  websiteId: string;
  accountId: string;
  clientId: string | null;
  domain: string;
  serverId: string | null;
}

/**
 * Asks the hosting plugin's API, as the caller (their token, tenant, permissions and ownership
 * rule), for the website: the cdn plugin never reads hosting's tables or imports its code. Another
 * tenant's or another client's website answers 404 there, and so here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function loadWebsite(plugin: PluginContext, req: RouteContext<any, any, any>, accountId: string, websiteId: string): Promise<WebsiteFacts> {
  const caller = { authorization: req.header('authorization') ?? '', ...(req.header('x-tenant-id') ? { actAsTenant: req.header('x-tenant-id')! } : {}) };
  const account = await plugin.routes.call({ method: 'GET', path: `/api/v1/hosting-accounts/${encodeURIComponent(accountId)}`, ...caller });
  passThrough(account.status, 'hosting account');
  const website = await plugin.routes.call({ method: 'GET', path: `/api/v1/hosting-accounts/${encodeURIComponent(accountId)}/websites/${encodeURIComponent(websiteId)}`, ...caller });
  passThrough(website.status, 'website');
  const a = (account.body as { data: { id: string; clientId: string | null; serverId: string | null; intent?: { state?: string } } }).data;
  const w = (website.body as { data: { id: string; domain: string; state: string } }).data;
  if (w.state === 'removing' || w.state === 'removed') throw new ConflictError(`The website ${w.domain} is being removed`);
  if (a.intent?.state === 'terminated') throw new ConflictError('The hosting account is terminated');
  return { websiteId: w.id, accountId: a.id, clientId: a.clientId, domain: w.domain, serverId: a.serverId };
}

function passThrough(status: number, what: string): void {
  if (status === 200) return;
  if (status === 404 || status === 400) throw new NotFoundError(`No such ${what}`);
  if (status === 403) throw new ForbiddenError(`Not permitted to see the ${what}`);
  throw new HttpError(status >= 500 ? 502 : status, `The ${what} could not be read (HTTP ${status})`);
}

/** The website's server address (staff may read servers; clients get null). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function serverAddress(plugin: PluginContext, req: RouteContext<any, any, any>, serverId: string | null): Promise<string | null> {
  if (!serverId) return null;
  const caller = { authorization: req.header('authorization') ?? '', ...(req.header('x-tenant-id') ? { actAsTenant: req.header('x-tenant-id')! } : {}) };
  const res = await plugin.routes.call({ method: 'GET', path: `/api/v1/servers/${encodeURIComponent(serverId)}`, ...caller });
  if (res.status !== 200) return null;
  const server = (res.body as { data: { address?: string | null; hostname?: string | null } }).data;
  return server.address || server.hostname || null;
}
