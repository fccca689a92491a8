import { ConflictError, ValidationError, type PluginContext, type TenantDb } from '@mpanel/sdk';
import { HostingPlan } from '../models/index.ts';
import { hostingBillingRef, type HostingBilling } from '../provisioning/billing-port.ts';
import type { ImportMapping } from './matching.ts';
import type { ImportOptions } from './store.ts';

export function billingOf(plugin: PluginContext, db: TenantDb): HostingBilling {
  const billing = plugin.services.tryResolve(hostingBillingRef)?.forTenant(db.trx, db.tenantId);
  if (!billing) throw new ConflictError('Importing needs the billing plugin: enable it first');
  return billing;
}

/** The import's settings, checked against this tenant's catalogue before anything is queued. */
export async function checkedOptions(plugin: PluginContext, db: TenantDb, body: Record<string, unknown>): Promise<ImportOptions> {
  const cycle = (body.cycle as string | undefined) ?? 'monthly';
  const productId = body.productId as string;
  const problem = await billingOf(plugin, db).importProblem(productId, cycle);
  if (problem) throw new ValidationError(problem.startsWith('is not a product') ? { productId: problem } : { cycle: problem });
  const product = (await db('products').where('products.id', productId).first('provisioning')) as { provisioning: { module?: string; config?: { planId?: unknown } } | null };
  const fromProduct = product.provisioning?.module === 'hosting' ? product.provisioning.config?.planId : undefined;
  const planId = (body.planId as string | undefined) ?? (typeof fromProduct === 'string' ? fromProduct : undefined);
  if (!planId) throw new ValidationError({ planId: "is required: the product names no hosting plan" });
  if (!(await HostingPlan.scoped(db).findById(planId))) throw new ValidationError({ planId: 'is not a hosting plan of this tenant' });
  const nextDueDate = body.nextDueDate as string;
  const year = Number(nextDueDate.slice(0, 4));
  const thisYear = new Date().getUTCFullYear();
  if (year < thisYear - 1 || year > thisYear + 10) throw new ValidationError({ nextDueDate: `must lie between ${thisYear - 1} and ${thisYear + 10}` });
  const createMissingClients = (body.createMissingClients as boolean | undefined) ?? true;
  const country = (body.country as string | undefined)?.toUpperCase();
  const newClients = ((body.mappings as ImportMapping[] | undefined) ?? []).some((m) => m.newClient && !m.skip && !m.clientId);
  if ((createMissingClients || newClients) && !country) throw new ValidationError({ country: 'is required to create missing clients (billing needs a country)' });
  return {
    productId, planId, cycle, nextDueDate, createMissingClients, country: country ?? '', mappings: (body.mappings as ImportMapping[] | undefined) ?? [],
    ...(body.usernames ? { usernames: body.usernames as string[] } : {}),
  };
}

