import { randomBytes } from 'node:crypto';
import type { HostingPlanLimits } from '@mpanel/sdk';
import { eventually, type Panel } from './panel.ts';

export const PLAN_LIMITS: HostingPlanLimits = {
  diskMb: 1024, sites: 3, databases: 3, cronJobs: 5, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256,
};
export const BIGGER_LIMITS: HostingPlanLimits = { ...PLAN_LIMITS, diskMb: 4096, sites: 10, databases: 10, phpMaxChildren: 7 };

export interface HostingSetup {
  groupId: string;
  serverId: string;
  planId: string;
  biggerPlanId: string;
  productId: string;
  biggerProductId: string;
  clientId: string;
}

/** What staff do once: a server group, a server to enroll, two plans and their products, a client. */
export async function staffSetup(panel: Panel, tag: string): Promise<HostingSetup & { enrollToken: string }> {
  const group = await panel.ok<{ id: string }>('POST', '/api/v1/server-groups', { name: `web ${tag}`, placement: 'least_full', module: 'mpanel-agent' });
  const server = await panel.ok<{ id: string }>('POST', '/api/v1/servers', {
    groupId: group.id, name: `web1 ${tag}`, hostname: `web1-${tag}.lab.test`, module: 'mpanel-agent', maxAccounts: 2000,
  });
  const enrollment = await panel.ok<{ token: string; expiresAt: string; command: string }>('POST', `/api/v1/servers/${server.id}/enrollment`);
  const plan = await panel.ok<{ id: string }>('POST', '/api/v1/hosting-plans', {
    name: `Starter ${tag}`, serverGroupId: group.id, limits: PLAN_LIMITS,
    suspensionPolicy: { web: '503', sftp: true, db: true, cron: true },
  });
  const bigger = await panel.ok<{ id: string }>('POST', '/api/v1/hosting-plans', {
    name: `Business ${tag}`, serverGroupId: group.id, limits: BIGGER_LIMITS,
    suspensionPolicy: { web: '503', sftp: true, db: true, cron: true },
  });
  const product = async (name: string, planId: string, amount: number) => panel.ok<{ id: string }>('POST', '/api/v1/products', {
    name, type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount }],
    provisioning: { module: 'hosting', config: { planId } },
  });
  const starter = await product(`Starter hosting ${tag}`, plan.id, 500);
  const business = await product(`Business hosting ${tag}`, bigger.id, 1500);
  const client = await panel.ok<{ id: string }>('POST', '/api/v1/clients', {
    email: `owner-${tag}@hosting.test`, firstName: 'Ada', lastName: 'Host', country: 'GB', currency: 'USD',
  });
  return {
    groupId: group.id, serverId: server.id, planId: plan.id, biggerPlanId: bigger.id, productId: starter.id, biggerProductId: business.id,
    clientId: client.id, enrollToken: enrollment.token,
  };
}

export interface Ordered { orderId: string; invoiceId: string; serviceId: string; total: number }

/** A client orders hosting for `domain`; nothing is paid yet. */
export async function order(panel: Panel, s: HostingSetup, domain: string, productId = s.productId): Promise<Ordered> {
  const placed = await panel.ok<{ order: { id: string }; invoice: { id: string; total: number; amountDue?: number }; services: Array<{ id: string }> }>(
    'POST', '/api/v1/orders', { clientId: s.clientId, items: [{ productId, cycle: 'monthly', domain }] },
  );
  return { orderId: placed.order.id, invoiceId: placed.invoice.id, serviceId: placed.services[0]!.id, total: placed.invoice.amountDue ?? placed.invoice.total };
}

let payments = 0;
/** Staff record a payment covering the invoice (billing's onInvoicePaid then emits service.* events). */
export async function pay(panel: Panel, invoiceId: string): Promise<void> {
  const invoice = await panel.ok<{ amountDue: number; total: number }>('GET', `/api/v1/invoices/${invoiceId}`);
  await panel.ok('POST', `/api/v1/invoices/${invoiceId}/payments`, {
    amount: invoice.amountDue ?? invoice.total, gateway: 'manual', transactionId: `e2e-${process.pid}-${++payments}-${Date.now()}`,
  });
}

export interface AccountView {
  id: string; serviceId: string; serverId: string | null; username: string; desiredState: string; observedState: string | null;
  drift: unknown[]; setupProgress: unknown; domain?: string | null;
}

export async function accountOf(panel: Panel, serviceId: string): Promise<AccountView | null> {
  const list = await panel.ok<AccountView[]>('GET', `/api/v1/hosting-accounts?serviceId=${serviceId}`);
  return list.find((a) => a.serviceId === serviceId) ?? null;
}

export interface OperationView {
  id: string; action: string; status: string; attempt: number; errorCode: string | null; errorMessage: string | null;
  accountId: string | null; serverId: string | null; steps: unknown[];
}

export async function operationsOf(panel: Panel, query: string): Promise<OperationView[]> {
  return panel.ok<OperationView[]>('GET', `/api/v1/provisioning/operations?${query}&perPage=100`);
}

export async function serviceStatus(panel: Panel, serviceId: string): Promise<string> {
  return (await panel.ok<{ status: string }>('GET', `/api/v1/services/${serviceId}`)).status;
}

/** Waits until the service's account is active on the server and billing shows the service active. */
export async function untilActive(panel: Panel, serviceId: string, ms = 90_000): Promise<AccountView> {
  try {
    return await eventually(`service ${serviceId} active with its account`, async () => {
      const account = await accountOf(panel, serviceId);
      if (account?.observedState !== 'active') return null;
      return (await serviceStatus(panel, serviceId)) === 'active' ? account : null;
    }, ms);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await diagnose(panel, serviceId)}`);
  }
}

/** What the panel knows about a service's provisioning, for a failure message: account, operations, agent jobs. */
export async function diagnose(panel: Panel, serviceId: string): Promise<string> {
  const k = panel.knex;
  const service = await k('services').where({ id: serviceId }).first('status', 'suspend_reason');
  const account = await k('hosting_accounts').where({ service_id: serviceId }).first();
  const ops = account
    ? await k('provisioning_operations').where({ account_id: account.id }).orderBy('created_at').select('action', 'status', 'attempt', 'error_code', 'error_message', 'steps')
    : await k('provisioning_operations').orderBy('created_at', 'desc').limit(5).select('action', 'status', 'attempt', 'error_code', 'error_message', 'steps');
  const jobs = await k('agent_jobs').orderBy('created_at', 'desc').limit(8).select('op', 'status', 'attempts', 'result');
  const runs = await k('workflow_runs').orderBy('created_at', 'desc').limit(5).select('name', 'status', 'last_error');
  const deliveries = await k('event_deliveries').whereNot('status', 'delivered').orderBy('created_at', 'desc').limit(5);
  return `${JSON.stringify({ service, account, ops, jobs, runs, deliveries }, null, 1).slice(0, 12_000)}\nworker: ${panel.output('worker').slice(-3000)}`;
}

/** Portal logins: the set-up's client (the account's owner) and another client of the same tenant (who must get 404s). */
export async function portalLogins(panel: Panel, s: HostingSetup, tag: string): Promise<{ clientToken: string; otherToken: string }> {
  const login = async (clientId: string, email: string) => {
    const pass = `Portal-${randomBytes(8).toString('hex')}`;
    await panel.ok('POST', '/api/v1/users', { email, password: pass, roles: ['client'], clientId });
    return panel.login(email, pass);
  };
  const clientToken = await login(s.clientId, `portal-${tag}@hosting.test`);
  const other = await panel.ok<{ id: string }>('POST', '/api/v1/clients', { email: `other-${tag}@hosting.test`, firstName: 'Eve', lastName: 'Other', country: 'GB', currency: 'USD' });
  return { clientToken, otherToken: await login(other.id, `other-portal-${tag}@hosting.test`) };
}
