import { ConflictError, NotFoundError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { isoTime, paginate, type Page } from '../db.ts';
import { assertResellerChild } from './wholesale-offers.ts';

/** A named set of the parent's reseller sub-tenants: one offer to the group reaches every member. */
export interface GroupInput {
  name: string;
  memberTenantIds: string[];
}

async function view(b: Billing, row: Record<string, unknown>) {
  const members = (await b.db('wholesale_group_members').where('group_id', row.id as string).orderBy('child_tenant_id').pluck('child_tenant_id')) as string[];
  return { id: row.id as string, name: row.name as string, memberTenantIds: members, createdAt: isoTime(row.created_at), updatedAt: isoTime(row.updated_at) };
}

async function setMembers(b: Billing, groupId: string, members: string[]): Promise<void> {
  for (const [i, id] of members.entries()) await assertResellerChild(b, id, `memberTenantIds/${i}`);
  await b.db('wholesale_group_members').where('group_id', groupId).delete();
  const unique = [...new Set(members)];
  if (unique.length) await b.db.insert('wholesale_group_members', unique.map((child) => ({ group_id: groupId, child_tenant_id: child })));
}

export async function getGroup(b: Billing, id: string) {
  const row = (await b.db('wholesale_groups').where('id', id).first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Reseller group not found');
  return view(b, row);
}

async function assertNameFree(b: Billing, name: string, except?: string): Promise<void> {
  const q = b.db('wholesale_groups').where('name', name);
  if (except) q.whereNot('id', except);
  if (await q.first('id')) throw new ConflictError('A reseller group of this name exists', { name: 'is taken' });
}

export async function createGroup(b: Billing, input: GroupInput) {
  await assertNameFree(b, input.name);
  const [row] = await b.db.insert<Record<string, unknown>>('wholesale_groups', { name: input.name });
  await setMembers(b, row!.id as string, input.memberTenantIds);
  return getGroup(b, row!.id as string);
}

export async function updateGroup(b: Billing, id: string, input: Partial<GroupInput>) {
  await getGroup(b, id);
  if (input.name !== undefined) await assertNameFree(b, input.name, id);
  if (input.name !== undefined) await b.db('wholesale_groups').where('id', id).update({ name: input.name, updated_at: b.db.trx.fn.now() });
  if (input.memberTenantIds) await setMembers(b, id, input.memberTenantIds);
  return getGroup(b, id);
}

export async function listGroups(b: Billing, page: Page) {
  const { data, total } = await paginate(b.db('wholesale_groups'), page, ['name', 'id'], (r) => r);
  return { data: await Promise.all(data.map((r) => view(b, r))), total };
}
