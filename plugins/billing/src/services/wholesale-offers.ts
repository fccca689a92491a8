import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { isoTime, paginate, type Page } from '../db.ts';
import { pricesProblem, type WholesalePrices } from '../domain/wholesale.ts';
import { createProduct, getProduct, type Product, type ProductInput } from './catalogue.ts';

/**
 * The parent's side of wholesale: offers of its own products to one reseller sub-tenant or to a
 * group of them, at prices per cycle. The reseller's side (what it received, adopting an offer)
 * reads through `billing_wholesale_offers_received()`, which never shows retail prices or
 * another reseller's offers.
 */
export interface OfferInput {
  productId: string;
  childTenantId?: string;
  groupId?: string;
  currency: string;
  prices: WholesalePrices;
  active?: boolean;
}

export function toOffer(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    productId: row.product_id as string,
    childTenantId: (row.child_tenant_id as string | null) ?? null,
    groupId: (row.group_id as string | null) ?? null,
    currency: row.currency as string,
    prices: row.prices as WholesalePrices,
    active: row.active as boolean,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

/** A direct sub-tenant of the caller that is a reseller; anything else is refused by name. */
export async function assertResellerChild(b: Billing, childTenantId: string, field = 'childTenantId'): Promise<void> {
  const child = await b.db.trx('tenants').where({ id: childTenantId, parent_tenant_id: b.tenantId, is_reseller: true }).first('id');
  if (!child) throw new ValidationError({ [field]: 'is not a reseller sub-tenant of this tenant' });
}

function checkPrices(prices: WholesalePrices): void {
  const problem = pricesProblem(prices);
  if (problem) throw new ValidationError({ prices: problem });
}

export async function createOffer(b: Billing, input: OfferInput) {
  if (!input.childTenantId === !input.groupId) throw new ValidationError({ childTenantId: 'name either a reseller (childTenantId) or a reseller group (groupId)' });
  await getProduct(b, input.productId).catch(() => { throw new ValidationError({ productId: 'is not a product of this tenant' }); });
  if (input.childTenantId) await assertResellerChild(b, input.childTenantId);
  if (input.groupId && !(await b.db('wholesale_groups').where('id', input.groupId).first('id'))) throw new ValidationError({ groupId: 'is not a reseller group of this tenant' });
  checkPrices(input.prices);
  const [row] = await b.db.insert<Record<string, unknown>>('wholesale_offers', {
    product_id: input.productId, child_tenant_id: input.childTenantId ?? null, group_id: input.groupId ?? null,
    currency: input.currency, prices: JSON.stringify(input.prices), active: input.active ?? true,
  });
  return toOffer(row!);
}

export async function getOffer(b: Billing, id: string) {
  const row = (await b.db('wholesale_offers').where('id', id).first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Wholesale offer not found');
  return toOffer(row);
}

export async function listOffers(b: Billing, page: Page, filter: { productId?: string; childTenantId?: string }) {
  const q = b.db('wholesale_offers');
  if (filter.productId) q.where('product_id', filter.productId);
  if (filter.childTenantId) q.where('child_tenant_id', filter.childTenantId);
  const { data, total } = await paginate(q, page, ['created_at', 'id'], toOffer);
  return { data: await withNames(b, data), total };
}

/** The parent's reseller sub-tenants (what an offer or a group can name). */
export async function listResellers(b: Billing): Promise<Array<{ id: string; name: string }>> {
  return (await b.db.trx('tenants').where({ parent_tenant_id: b.tenantId, is_reseller: true }).orderBy(['name', 'id']).select('id', 'name')) as Array<{ id: string; name: string }>;
}

/** Offers with the names a screen shows: the product's, the reseller's or the group's (one query each). */
async function withNames(b: Billing, offers: Array<ReturnType<typeof toOffer>>) {
  const ids = (key: 'productId' | 'groupId' | 'childTenantId') => [...new Set(offers.map((o) => o[key]).filter((v): v is string => v !== null))];
  const names = async (q: Promise<unknown>) => new Map(((await q) as Array<{ id: string; name: string }>).map((r) => [r.id, r.name]));
  const products = await names(b.db('products').whereIn('id', ids('productId')).select('id', 'name'));
  const groups = await names(b.db('wholesale_groups').whereIn('id', ids('groupId')).select('id', 'name'));
  const resellers = await names(b.db.trx('tenants').where('parent_tenant_id', b.tenantId).whereIn('id', ids('childTenantId')).select('id', 'name'));
  return offers.map((o) => ({
    ...o, productName: products.get(o.productId) ?? null,
    resellerName: o.childTenantId ? resellers.get(o.childTenantId) ?? null : null, groupName: o.groupId ? groups.get(o.groupId) ?? null : null,
  }));
}

/** New prices apply to periods charged from now on; charges already recorded keep theirs. */
export async function updateOffer(b: Billing, id: string, input: { prices?: WholesalePrices; active?: boolean }) {
  await getOffer(b, id);
  if (input.prices) checkPrices(input.prices);
  const changes: Record<string, unknown> = { updated_at: b.db.trx.fn.now() };
  if (input.prices) changes.prices = JSON.stringify(input.prices);
  if (input.active !== undefined) changes.active = input.active;
  await b.db('wholesale_offers').where('id', id).update(changes);
  return getOffer(b, id);
}

/** An offer a reseller adopted, or that was charged, stays (retire it with `active: false`). */
export async function deleteOffer(b: Billing, id: string): Promise<void> {
  await getOffer(b, id);
  try {
    await b.db.trx.raw('SAVEPOINT wholesale_offer_delete');
    await b.db('wholesale_offers').where('id', id).delete();
    await b.db.trx.raw('RELEASE SAVEPOINT wholesale_offer_delete');
  } catch (err) {
    if ((err as { code?: string }).code !== '23503') throw err;
    await b.db.trx.raw('ROLLBACK TO SAVEPOINT wholesale_offer_delete');
    throw new ConflictError('A reseller sells this offer: retire it (active: false) instead of deleting it');
  }
}

/** An offer as the reseller sees it: the product's public description and the wholesale prices. */
export interface ReceivedOffer {
  id: string;
  productName: string;
  description: string | null;
  type: string;
  taxable: boolean;
  currency: string;
  prices: WholesalePrices;
  createdAt: string | null;
}

export async function receivedOffers(b: Billing): Promise<ReceivedOffer[]> {
  const { rows } = (await b.db.trx.raw('SELECT * FROM billing_wholesale_offers_received()')) as { rows: Array<Record<string, unknown>> };
  return rows.map((r) => ({
    id: r.id as string, productName: r.product_name as string, description: (r.description as string | null) ?? null, type: r.type as string,
    taxable: r.taxable as boolean, currency: r.currency as string, prices: r.prices as WholesalePrices, createdAt: isoTime(r.created_at),
  }));
}

export async function receivedOffer(b: Billing, id: string): Promise<ReceivedOffer> {
  const offer = (await receivedOffers(b)).find((o) => o.id === id);
  if (!offer) throw new NotFoundError('Wholesale offer not found');
  return offer;
}

export type AdoptInput = Partial<Pick<ProductInput, 'name' | 'description' | 'groupId' | 'hidden' | 'provisioning' | 'options'>> & Pick<ProductInput, 'pricing'>;

/**
 * The reseller's own product made from an offer it received, at its own retail prices. It may
 * only sell cycles the offer prices (else no wholesale charge could be made for the period).
 */
export async function adoptOffer(b: Billing, offerId: string, input: AdoptInput): Promise<Product> {
  const offer = await receivedOffer(b, offerId);
  const notOffered = input.pricing.filter((p) => offer.prices[p.cycle] === undefined).map((p) => p.cycle);
  if (notOffered.length) throw new ValidationError({ pricing: `not offered wholesale in: ${[...new Set(notOffered)].join(', ')}` });
  const product = await createProduct(b, {
    name: input.name ?? offer.productName, description: input.description ?? offer.description, type: offer.type as ProductInput['type'],
    taxable: offer.taxable, groupId: input.groupId ?? null, hidden: input.hidden ?? false, provisioning: input.provisioning ?? null,
    pricing: input.pricing, options: input.options ?? [],
  });
  await b.db('products').where('id', product.id).update({ wholesale_offer_id: offer.id });
  return getProduct(b, product.id);
}
