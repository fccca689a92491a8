import { ConflictError, NotFoundError, ValidationError, ok, type RouteDefinition } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { deskRoute, idParams, objectBody, uuid } from './common.ts';
import type { DepartmentRow } from '../tickets/model.ts';
import { departmentJson } from '../tickets/serialize.ts';
import { isStaff } from '../tickets/access.ts';
import { isTenantUser } from '../tickets/assignment.ts';
import type { TenantDb } from '@mpanel/sdk';

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  email: { type: ['string', 'null'], format: 'email', maxLength: 254 },
  description: { type: ['string', 'null'], maxLength: 1000 },
  clientVisible: { type: 'boolean' },
  unknownSenderPolicy: { enum: ['create_client', 'reject', 'guest'] },
  roundRobin: { type: 'boolean' },
  sortOrder: { type: 'integer', minimum: 0, maximum: 10_000 },
  memberUserIds: { type: 'array', maxItems: 200, uniqueItems: true, items: uuid },
};

interface DepartmentInput {
  name?: string; email?: string | null; description?: string | null; clientVisible?: boolean;
  unknownSenderPolicy?: DepartmentRow['unknown_sender_policy']; roundRobin?: boolean; sortOrder?: number; memberUserIds?: string[];
}

function columns(b: DepartmentInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (b.name !== undefined) out.name = b.name;
  if (b.email !== undefined) out.email = b.email?.toLowerCase() ?? null;
  if (b.description !== undefined) out.description = b.description;
  if (b.clientVisible !== undefined) out.client_visible = b.clientVisible;
  if (b.unknownSenderPolicy !== undefined) out.unknown_sender_policy = b.unknownSenderPolicy;
  if (b.roundRobin !== undefined) out.round_robin = b.roundRobin;
  if (b.sortOrder !== undefined) out.sort_order = b.sortOrder;
  return out;
}

async function setMembers(db: TenantDb, departmentId: string, userIds: string[] | undefined): Promise<void> {
  if (userIds === undefined) return;
  for (const id of userIds) if (!(await isTenantUser(db, id))) throw new ValidationError({ memberUserIds: `${id} is not a staff user of this tenant` });
  await db('ticket_department_members').where({ department_id: departmentId }).delete();
  if (userIds.length) await db.insert('ticket_department_members', userIds.map((user_id) => ({ department_id: departmentId, user_id })));
}

const membersOf = async (db: TenantDb, id: string) => (await db('ticket_department_members').where({ department_id: id }).orderBy('user_id').pluck('user_id')) as string[];

/** A department's address is unique in the tenant (incoming mail must find one department). */
async function guardEmail(db: TenantDb, email: string | null | undefined, except?: string): Promise<void> {
  if (!email) return;
  const q = db('ticket_departments').whereRaw('lower(email) = ?', [email.toLowerCase()]);
  if (except) q.whereNot({ id: except });
  if (await q.first('id')) throw new ValidationError({ email: 'another department has this address' });
}

export function departmentRoutes(ctx: SupportContext): RouteDefinition[] {
  return [
    deskRoute(ctx, { method: 'GET', path: '/api/v1/ticket-departments', permission: 'tickets.read', summary: 'Support departments (clients: those visible to them)' }, async (desk, p) => {
      const q = desk.db('ticket_departments').orderBy(['sort_order', 'name']);
      if (!isStaff(p)) q.where({ client_visible: true });
      const rows = (await q.select('*')) as DepartmentRow[];
      const staff = isStaff(p);
      return ok(await Promise.all(rows.map(async (d) => (staff ? departmentJson(d, await membersOf(desk.db, d.id)) : { id: d.id, name: d.name, description: d.description }))));
    }),
    deskRoute<unknown, unknown, DepartmentInput>(ctx, {
      method: 'POST', path: '/api/v1/ticket-departments', permission: 'ticket-departments.write', successStatus: 201,
      schema: { body: objectBody(fields, ['name']) },
    }, async (desk, _p, req) => {
      await guardEmail(desk.db, req.body.email);
      const [row] = await desk.db.insert<DepartmentRow>('ticket_departments', columns(req.body));
      await setMembers(desk.db, row!.id, req.body.memberUserIds);
      return ok(departmentJson(row!, await membersOf(desk.db, row!.id)));
    }),
    deskRoute<{ id: string }, unknown, DepartmentInput>(ctx, {
      method: 'PATCH', path: '/api/v1/ticket-departments/:id', permission: 'ticket-departments.write',
      schema: { params: idParams, body: { ...objectBody(fields), minProperties: 1 } },
    }, async (desk, _p, req) => {
      if (!(await desk.db('ticket_departments').where({ id: req.params.id }).first('id'))) throw new NotFoundError();
      await guardEmail(desk.db, req.body.email, req.params.id);
      const cols = columns(req.body);
      if (Object.keys(cols).length) await desk.db('ticket_departments').where({ id: req.params.id }).update({ ...cols, updated_at: desk.now });
      await setMembers(desk.db, req.params.id, req.body.memberUserIds);
      const row = (await desk.db('ticket_departments').where({ id: req.params.id }).first()) as DepartmentRow;
      return ok(departmentJson(row, await membersOf(desk.db, row.id)));
    }),
    deskRoute<{ id: string }>(ctx, { method: 'DELETE', path: '/api/v1/ticket-departments/:id', permission: 'ticket-departments.write', schema: { params: idParams } }, async (desk, _p, req) => {
      if (!(await desk.db('ticket_departments').where({ id: req.params.id }).first('id'))) throw new NotFoundError();
      // A department with tickets is history: it is hidden from clients instead of deleted.
      if (await desk.db('tickets').where({ department_id: req.params.id }).first('id')) {
        throw new ConflictError('The department has tickets; hide it from clients instead');
      }
      await desk.db('ticket_departments').where({ id: req.params.id }).delete();
    }),
  ];
}
