import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { isoTime, paginate, type Page } from '../db.ts';

export interface ProductGroupInput {
  name: string;
  description?: string | null;
  sortOrder?: number;
  hidden?: boolean;
}

export function productGroupView(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    name: row.name as string,
    description: (row.description as string | null) ?? null,
    sortOrder: Number(row.sort_order),
    hidden: row.hidden as boolean,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

const COLUMNS: Record<keyof ProductGroupInput, string> = { name: 'name', description: 'description', sortOrder: 'sort_order', hidden: 'hidden' };

function columnsOf(input: Partial<ProductGroupInput>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(COLUMNS)) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[column] = value;
  }
  return out;
}

/** `visibleOnly`: callers who cannot edit the catalogue do not see hidden groups (as with products). */
export async function listProductGroups(b: Billing, page: Page, visibleOnly: boolean) {
  const q = b.db('product_groups');
  if (visibleOnly) q.where('hidden', false);
  return paginate(q, page, ['sort_order', 'name', 'id'], productGroupView);
}

async function groupRow(b: Billing, id: string, visibleOnly = false, lock = false): Promise<Record<string, unknown>> {
  const q = b.db('product_groups').where('id', id);
  if (visibleOnly) q.where('hidden', false);
  if (lock) q.forUpdate();
  const row = (await q.first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Product group not found');
  return row;
}

export async function getProductGroup(b: Billing, id: string, visibleOnly = false) {
  return productGroupView(await groupRow(b, id, visibleOnly));
}

export async function createProductGroup(b: Billing, input: ProductGroupInput) {
  const [row] = await b.db.insert<Record<string, unknown>>('product_groups', columnsOf(input));
  return productGroupView(row!);
}

export async function updateProductGroup(b: Billing, id: string, input: Partial<ProductGroupInput>) {
  await groupRow(b, id, false, true);
  const [row] = (await b.db('product_groups').where('id', id).update({ ...columnsOf(input), updated_at: b.db.trx.fn.now() }).returning('*')) as Array<Record<string, unknown>>;
  return productGroupView(row!);
}

/** A group that still holds products is kept (409): move or delete its products first. */
export async function deleteProductGroup(b: Billing, id: string): Promise<void> {
  await groupRow(b, id, false, true);
  if (await b.db('products').where('group_id', id).first('id')) throw new ConflictError('The product group still holds products; move them to another group first');
  await b.db('product_groups').where('id', id).delete();
}

/**
 * A product's `groupId` must name a group of the caller's tenant. The database refuses a foreign
 * one too (composite key), but that would surface as a server error; this answers 400 first.
 */
export async function assertProductGroup(b: Billing, groupId: string | null | undefined): Promise<void> {
  if (!groupId) return;
  if (!(await b.db('product_groups').where('id', groupId).first('id'))) throw new ValidationError({ groupId: 'no such product group' });
}
