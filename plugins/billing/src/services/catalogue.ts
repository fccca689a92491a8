import { NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int, isoTime, paginate, type Page } from '../db.ts';
import type { BillingCycle } from '../domain/cycles.ts';
import { assertProductGroup } from './product-groups.ts';

export interface PriceInput {
  currency: string;
  cycle: BillingCycle;
  amount: number;
  setupFee?: number;
}

export interface OptionChoice {
  value: string;
  label: string;
  prices: Array<{ currency: string; cycle: BillingCycle; amount: number }>;
}

export interface ProductInput {
  name: string;
  description?: string | null;
  type: 'hosting' | 'domain' | 'ssl' | 'other';
  groupId?: string | null;
  pricing: PriceInput[];
  taxable?: boolean;
  hidden?: boolean;
  retired?: boolean;
  stock?: number | null;
  provisioning?: { module: string; config?: Record<string, unknown> } | null;
  options?: Array<{ key: string; label: string; choices: OptionChoice[] }>;
}

export interface Product {
  id: string;
  name: string;
  description: string | null;
  type: string;
  groupId: string | null;
  taxable: boolean;
  hidden: boolean;
  retired: boolean;
  stock: number | null;
  provisioning: { module: string; config?: Record<string, unknown> } | null;
  pricing: Array<Required<PriceInput>>;
  options: Array<{ key: string; label: string; choices: OptionChoice[] }>;
  /** A reseller's product adopted from its parent's wholesale offer (services of it are charged wholesale). */
  wholesaleOfferId: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

function toProduct(row: Record<string, unknown>, prices: Array<Record<string, unknown>>, options: Array<Record<string, unknown>>): Product {
  return {
    id: row.id as string,
    name: row.name as string,
    description: (row.description as string | null) ?? null,
    type: row.type as string,
    groupId: (row.group_id as string | null) ?? null,
    taxable: row.taxable as boolean,
    hidden: row.hidden as boolean,
    retired: row.retired as boolean,
    stock: row.stock === null ? null : Number(row.stock),
    provisioning: (row.provisioning as Product['provisioning']) ?? null,
    pricing: prices.map((p) => ({ currency: p.currency as string, cycle: p.cycle as BillingCycle, amount: int(p.amount), setupFee: int(p.setup_fee) })),
    options: options.map((o) => ({ key: o.key as string, label: o.label as string, choices: o.choices as OptionChoice[] })),
    wholesaleOfferId: (row.wholesale_offer_id as string | null | undefined) ?? null,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

function checkPricing(pricing: PriceInput[]): void {
  const seen = new Set<string>();
  for (const p of pricing) {
    const key = `${p.currency}/${p.cycle}`;
    if (seen.has(key)) throw new ValidationError({ pricing: `${key} is listed twice` });
    seen.add(key);
  }
}

async function writePricing(b: Billing, productId: string, input: Pick<ProductInput, 'pricing' | 'options'>): Promise<void> {
  if (input.pricing) {
    checkPricing(input.pricing);
    await b.db('product_prices').where('product_id', productId).delete();
    await b.db.insert('product_prices', input.pricing.map((p) => ({
      product_id: productId, currency: p.currency, cycle: p.cycle, amount: p.amount, setup_fee: p.setupFee ?? 0,
    })));
  }
  if (input.options) {
    await b.db('product_options').where('product_id', productId).delete();
    await b.db.insert('product_options', input.options.map((o) => ({
      product_id: productId, key: o.key, label: o.label, choices: JSON.stringify(o.choices),
    })));
  }
}

function columnsOf(input: Partial<ProductInput>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const map: Record<string, string> = { name: 'name', description: 'description', type: 'type', groupId: 'group_id', taxable: 'taxable', hidden: 'hidden', retired: 'retired', stock: 'stock' };
  for (const [key, column] of Object.entries(map)) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[column] = value;
  }
  if (input.provisioning !== undefined) out.provisioning = input.provisioning === null ? null : JSON.stringify(input.provisioning);
  return out;
}

export async function createProduct(b: Billing, input: ProductInput): Promise<Product> {
  await assertProductGroup(b, input.groupId);
  const [row] = await b.db.insert<{ id: string }>('products', columnsOf(input));
  await writePricing(b, row!.id, input);
  await b.emit('product.created', { productId: row!.id });
  return getProduct(b, row!.id);
}

export async function updateProduct(b: Billing, id: string, input: Partial<ProductInput>): Promise<Product> {
  await getProduct(b, id);
  await assertProductGroup(b, input.groupId);
  const changes = columnsOf(input);
  if (Object.keys(changes).length) await b.db('products').where('id', id).update({ ...changes, updated_at: b.db.trx.fn.now() });
  await writePricing(b, id, { pricing: input.pricing!, options: input.options! });
  await b.emit('product.updated', { productId: id });
  return getProduct(b, id);
}

async function withPrices(b: Billing, rows: Array<Record<string, unknown>>): Promise<Product[]> {
  const ids = rows.map((r) => r.id as string);
  const prices = ids.length ? ((await b.db('product_prices').whereIn('product_id', ids).orderBy(['currency', 'cycle'])) as Array<Record<string, unknown>>) : [];
  const options = ids.length ? ((await b.db('product_options').whereIn('product_id', ids).orderBy('key')) as Array<Record<string, unknown>>) : [];
  return rows.map((r) => toProduct(r, prices.filter((p) => p.product_id === r.id), options.filter((o) => o.product_id === r.id)));
}

export async function getProduct(b: Billing, id: string, visibleOnly = false): Promise<Product> {
  const q = b.db('products').where('id', id);
  if (visibleOnly) q.where({ hidden: false, retired: false });
  const row = (await q.first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Product not found');
  const [product] = await withPrices(b, [row]);
  return product!;
}

/** Portal users see only products on sale (not hidden, not retired). */
export async function listProducts(b: Billing, page: Page, filter: { type?: string; visibleOnly: boolean }) {
  const q = b.db('products');
  if (filter.type) q.where('type', filter.type);
  if (filter.visibleOnly) q.where({ hidden: false, retired: false });
  const { data, total } = await paginate(q, page, ['sort_order', 'name', 'id'], (r) => r);
  return { data: await withPrices(b, data), total };
}

/** The price of one unit at a currency and cycle, configurable options included; 400 when not sold so. */
export function unitPrice(product: Product, currency: string, cycle: BillingCycle, config: Record<string, string> = {}): { amount: number; setupFee: number } {
  const price = product.pricing.find((p) => p.currency === currency && p.cycle === cycle);
  if (!price) throw new ValidationError({ cycle: `${product.name} is not sold ${cycle} in ${currency}` });
  let amount = price.amount;
  for (const [key, value] of Object.entries(config)) {
    const option = product.options.find((o) => o.key === key);
    const choice = option?.choices.find((c) => c.value === value);
    if (!option || !choice) throw new ValidationError({ config: `unknown option ${key}=${value}` });
    amount += choice.prices.find((p) => p.currency === currency && p.cycle === cycle)?.amount ?? 0;
  }
  return { amount, setupFee: price.setupFee };
}
