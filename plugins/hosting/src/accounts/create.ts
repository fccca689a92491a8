import { ConflictError, ValidationError, type TenantDb } from '@mpanel/sdk';
import { HostingAccount, HostingPlan, ProvisioningOperation, Server } from '../models/index.ts';
import { requestOperation } from '../operations/request.ts';
import { placeAccount, type PlacementResult } from '../placement.ts';
import { generateUsername, usernameProblem } from '../usernames.ts';
import { orConflict } from '../db.ts';
import { checkedDomain } from '../resources/domains.ts';

export interface CreateAccountInput {
  serviceId: string;
  /** Default: the product's `provisioning.config.planId` (module `hosting`). */
  planId?: string;
  domain?: string | null;
  /** Default: generated from the domain. */
  username?: string;
  /** Staff's explicit choice; default: the plan's group placement. */
  serverId?: string;
}

export interface CreatedAccount {
  account: HostingAccount;
  operation: ProvisioningOperation;
  placement: PlacementResult | { ok: true; serverId: string; groupId: null };
}

interface ServiceRow { id: string; client_id: string; domain: string | null; provisioning: { module?: string; config?: { planId?: unknown } } | null }

async function serviceOf(db: TenantDb, serviceId: string): Promise<ServiceRow> {
  const service = (await db('services').join('products', 'products.id', 'services.product_id').where('services.id', serviceId)
    .first('services.id', 'services.client_id', 'services.domain', 'products.provisioning')) as ServiceRow | undefined;
  if (!service) throw new ValidationError({ serviceId: 'is not a service of this tenant' });
  return service;
}

async function planOf(db: TenantDb, service: ServiceRow, planId: string | undefined): Promise<HostingPlan> {
  const fromProduct = service.provisioning?.module === 'hosting' ? service.provisioning.config?.planId : undefined;
  const id = planId ?? (typeof fromProduct === 'string' ? fromProduct : undefined);
  if (!id) throw new ValidationError({ planId: 'is required: the service\'s product names no hosting plan' });
  const plan = await HostingPlan.scoped(db).findById(id);
  if (!plan) throw new ValidationError({ planId: 'is not a hosting plan of this tenant' });
  return plan;
}

async function placementFor(db: TenantDb, plan: HostingPlan, serverId: string | undefined): Promise<CreatedAccount['placement']> {
  if (serverId) {
    const server = await Server.scoped(db).findById(serverId);
    if (!server) throw new ValidationError({ serverId: 'is not a server of this tenant' });
    if (server.status !== 'online') throw new ConflictError(`The server is ${server.status}: it takes no new accounts`);
    return { ok: true, serverId, groupId: null };
  }
  if (!plan.serverGroupId) return { ok: false, reason: 'no_group', groupId: '', message: `Plan "${plan.name}" names no server group` };
  return placeAccount(db, plan.serverGroupId, plan);
}

const taken = (db: TenantDb, serverId: string | null) => async (name: string) => {
  if (!serverId) return false;
  const { rows } = (await db.trx.raw('SELECT hosting_username_taken(?, ?) AS taken', [serverId, name])) as { rows: Array<{ taken: boolean }> };
  return rows[0]!.taken;
};

/**
 * A hosting account for a billing service: plan from the product, server by the group's placement,
 * a generated Linux user name, and a queued `create` operation. No capacity is not an error of the
 * call: the account exists unplaced and its operation waits in `needs_attention` saying why.
 */
export async function createHostingAccount(db: TenantDb, input: CreateAccountInput, by: { triggeredBy: string; idempotencyKey: string }): Promise<CreatedAccount> {
  const service = await serviceOf(db, input.serviceId);
  if (await HostingAccount.scoped(db).findOne({ service_id: service.id })) throw new ConflictError('The service already has a hosting account');
  const plan = await planOf(db, service, input.planId);
  const placement = await placementFor(db, plan, input.serverId);
  const serverId = placement.ok ? placement.serverId : null;
  const domain = checkedDomain(input.domain ?? service.domain ?? null);
  if (input.username) {
    const problem = usernameProblem(input.username);
    if (problem) throw new ValidationError({ username: problem });
    if (await taken(db, serverId)(input.username)) throw new ConflictError('The user name is taken on the server', { username: 'is taken' });
  }
  const username = input.username ?? (await generateUsername(domain ?? 'site', taken(db, serverId)));
  const account = await orConflict(db, 'The service already has a hosting account, or the user name is taken', (sp) => HostingAccount.insertFor(sp, {
    serviceId: service.id, clientId: service.client_id, serverId, planId: plan.id, username, domain, desiredState: 'active',
    setupProgress: { step: 0, of: 1, label: 'Queued' },
  }));
  let operation = await requestOperation(db, {
    subjectType: 'account', subjectId: account.id, accountId: account.id, action: 'create',
    desired: { username, domain, planId: plan.id, limits: plan.limits, suspensionPolicy: plan.suspensionPolicy },
    ...by,
  });
  if (!placement.ok && operation.status === 'queued') {
    operation = await ProvisioningOperation.scoped(db).patchAndFetchById(operation.id, {
      status: 'needs_attention', errorCode: 'CAPACITY', errorMessage: placement.message, retryable: false,
      clientMessage: 'Your hosting is being set up; our team has been notified and is on it.',
    });
  }
  return { account, operation, placement };
}
