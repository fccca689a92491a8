import { ConflictError, ForbiddenError, NotFoundError, SYSTEM_ROLES, ValidationError, ok, type TenantDb } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import { requestServices } from '../route-context.ts';
import { resyncSocketsAfterCommit } from '../socket-sync.ts';
import { isUniqueViolation } from '../users/user-accounts.ts';
import { toApi, uuidParam } from '../serialize.ts';
import { assertHoldsAll } from './grant-rules.ts';
import { visibleRoles, type RoleRow } from './role-queries.ts';

const permissionList = { type: 'array', maxItems: 500, uniqueItems: true, items: { type: 'string', maxLength: 128 } } as const;
const roleName = { type: 'string', pattern: '^[a-z][a-z0-9_-]{1,62}$' } as const;

/** `/api/v1/roles` (the permission matrix, custom roles) and `/api/v1/permissions`. */
export function roleRoutes(container: RootContainer): RouteDefinition[] {
  const { rolePermissions, permissionRegistry } = container.cradle;

  const withPermissions = async (db: TenantDb, role: RoleRow) => ({
    ...toApi(role),
    permissions: [...(await rolePermissions.of({ id: role.id, name: role.name, level: role.level, system: role.is_system, version: role.version }, db.trx))].sort(),
  });

  const findCustom = async (db: TenantDb, id: string): Promise<RoleRow> => {
    const role = (await visibleRoles(db).where({ id }).first()) as RoleRow | undefined;
    if (!role) throw new NotFoundError('Role not found');
    if (role.is_system) throw new ForbiddenError('System roles cannot be changed');
    return role;
  };

  const checkPermissions = (names: string[]) => {
    const unknown = names.filter((n) => !permissionRegistry.has(n));
    if (unknown.length) throw new ValidationError({ permissions: `unknown permission ${unknown.join(', ')}` });
  };

  const setPermissions = async (db: TenantDb, roleId: string, names: string[]) => {
    // The catalogue table may lag behind plugins registered since start.
    if (names.length) await db.trx('permissions').insert(names.map((name) => ({ name, description: permissionRegistry.list().find((p) => p.name === name)?.description ?? '' }))).onConflict('name').ignore();
    await db('role_permissions').where({ role_id: roleId }).delete();
    if (names.length) await db.insert('role_permissions', names.map((permission) => ({ role_id: roleId, permission })));
  };

  return [
    {
      method: 'GET',
      path: '/api/v1/roles',
      permission: 'roles.read',
      tags: ['roles'],
      summary: 'System and custom roles with level and permissions (the permission matrix)',
      handler: async (ctx) => {
        const { db } = requestServices(ctx);
        const roles = (await visibleRoles(db).orderBy([{ column: 'level' }, { column: 'name' }])) as RoleRow[];
        return ok(await Promise.all(roles.map((r) => withPermissions(db, r))));
      },
    },
    defineRoute<Record<string, string>, unknown, { name: string; description?: string; level: number; permissions: string[] }>({
      method: 'POST',
      path: '/api/v1/roles',
      permission: 'roles.manage',
      tags: ['roles'],
      summary: 'Create a custom role: level and permissions no more powerful than your own',
      successStatus: 201,
      schema: {
        body: {
          type: 'object',
          required: ['name', 'level', 'permissions'],
          additionalProperties: false,
          properties: { name: roleName, description: { type: 'string', maxLength: 500 }, level: { type: 'integer', minimum: 1, maximum: SYSTEM_ROLES.client }, permissions: permissionList },
        },
      },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const body = ctx.input.body;
        if (body.name in SYSTEM_ROLES) throw new ConflictError('A system role has this name', { name: 'is reserved' });
        if (body.level < principal.level) throw new ForbiddenError('You cannot create a role above your own level');
        checkPermissions(body.permissions);
        assertHoldsAll(principal, body.permissions);
        let role: RoleRow;
        try {
          [role] = (await db.insert<RoleRow>('roles', { name: body.name, description: body.description ?? '', level: body.level, is_system: false })) as [RoleRow];
        } catch (err) {
          if (isUniqueViolation(err)) throw new ConflictError('A role with this name already exists', { name: 'is already taken' });
          throw err;
        }
        await setPermissions(db, role.id, body.permissions);
        const out = await withPermissions(db, role);
        await audit.record({ action: 'role.created', targetType: 'role', targetId: role.id, after: out });
        return ok(out);
      },
    }),
    defineRoute<{ id: string }>({
      method: 'GET',
      path: '/api/v1/roles/:id',
      permission: 'roles.read',
      tags: ['roles'],
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const { db } = requestServices(ctx);
        const role = (await visibleRoles(db).where({ id: ctx.input.params.id }).first()) as RoleRow | undefined;
        if (!role) throw new NotFoundError('Role not found');
        return ok(await withPermissions(db, role));
      },
    }),
    defineRoute<{ id: string }, unknown, { description?: string; permissions?: string[] }>({
      method: 'PATCH',
      path: '/api/v1/roles/:id',
      permission: 'roles.manage',
      tags: ['roles'],
      summary: 'Change a custom role\'s description or permissions (takes effect on the next request)',
      schema: {
        params: uuidParam,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { description: { type: 'string', maxLength: 500 }, permissions: permissionList } },
      },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const role = await findCustom(db, ctx.input.params.id);
        if (role.level < principal.level) throw new ForbiddenError('You cannot change a role above your own level');
        const before = await withPermissions(db, role);
        const patch = ctx.input.body;
        if (patch.permissions) {
          checkPermissions(patch.permissions);
          assertHoldsAll(principal, patch.permissions);
          await setPermissions(db, role.id, patch.permissions);
        }
        const [after] = (await db('roles')
          .where({ id: role.id })
          .update({ description: patch.description ?? role.description, version: role.version + 1, updated_at: new Date() })
          .returning('*')) as [RoleRow];
        const out = await withPermissions(db, after);
        await audit.record({ action: 'role.updated', targetType: 'role', targetId: role.id, before, after: out });
        if (patch.permissions) resyncSocketsAfterCommit(container, ctx, { tenantId: db.tenantId });
        return ok(out);
      },
    }),
    defineRoute<{ id: string }>({
      method: 'DELETE',
      path: '/api/v1/roles/:id',
      permission: 'roles.manage',
      tags: ['roles'],
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const role = await findCustom(db, ctx.input.params.id);
        if (role.level < principal.level) throw new ForbiddenError('You cannot delete a role above your own level');
        await db('roles').where({ id: role.id }).delete();
        resyncSocketsAfterCommit(container, ctx, { tenantId: db.tenantId });
        await audit.record({ action: 'role.deleted', targetType: 'role', targetId: role.id, before: toApi(role) });
        return ok(null, 'Role deleted');
      },
    }),
    {
      method: 'GET',
      path: '/api/v1/permissions',
      permission: 'permissions.read',
      tags: ['roles'],
      summary: 'Every registered permission (core and plugins)',
      handler: () => ok(permissionRegistry.list().map(({ name, description, owner, defaultRoles }) => ({ name, description, owner, defaultRoles: defaultRoles ?? [] }))),
    },
  ];
}
