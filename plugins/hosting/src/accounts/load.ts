import { ConflictError, NotFoundError, assertClientOwns, type Principal, type TenantDb } from '@mpanel/sdk';
import { HostingAccount, HostingPlan } from '../models/index.ts';

/**
 * The hosting account a route acts on: this tenant's (row-level security and the tenant filter)
 * and, for a portal user, its own client's (the ownership rule) — anything else is a 404.
 */
export async function loadAccount(db: TenantDb, principal: Principal, id: string): Promise<HostingAccount> {
  const account = await HostingAccount.scoped(db).findById(id);
  if (!account) throw new NotFoundError();
  assertClientOwns(principal, account.clientId);
  return account;
}

/** The account and its plan, refusing changes to a terminated account. */
export async function loadLiveAccount(db: TenantDb, principal: Principal, id: string): Promise<{ account: HostingAccount; plan: HostingPlan }> {
  const account = await loadAccount(db, principal, id);
  if (account.desiredState === 'terminated') throw new ConflictError('The hosting account is terminated');
  const plan = await HostingPlan.scoped(db).findById(account.planId);
  if (!plan) throw new NotFoundError();
  return { account, plan };
}
