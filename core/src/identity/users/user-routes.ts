import { ConflictError, ForbiddenError, ok, paginationQuery, type Principal } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import { requestServices } from '../route-context.ts';
import type { RootContainer } from '../../container.ts';
import { rolesByName } from '../roles/role-queries.ts';
import { assertCanGrantRoles } from '../roles/grant-rules.ts';
import { createUser, USER_COLUMNS, isUniqueViolation } from './user-accounts.ts';
import { findUser, levelOf, listedUserToApi, ROLE_NAMES_COLUMN, userToApi } from './user-queries.ts';
import { paginate } from '../pagination.ts';
import { uuidParam } from '../serialize.ts';
import { assertPasswordAcceptable } from '../passwords/policy.ts';
import { hashPassword } from '../passwords/hasher.ts';
import { impersonationRoute } from './impersonation-route.ts';
import { assertClientBinding } from './client-binding.ts';
import { revokeApiKeysOf } from '../api-keys/api-key-revocation.ts';
import { resyncSocketsAfterCommit } from '../socket-sync.ts';

const email = { type: 'string', format: 'email', maxLength: 320 } as const;
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const roleNames = { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 64 } } as const;

interface UserPatch {
  email?: string;
  name?: string | null;
  status?: 'active' | 'disabled';
  roles?: string[];
  password?: string;
  clientId?: string | null;
}

const LIST_COLUMNS = USER_COLUMNS.map((c) => `users.${c}`);

/** Staff may act only on users whose most powerful role is not above their own. */
function assertMayManage(principal: Principal, targetLevel: number): void {
  if (targetLevel < principal.level) throw new ForbiddenError('You cannot manage a user with a more powerful role');
}

/**
 * Resetting somebody's password or two-factor takes their account over, so it needs a stronger
 * role than theirs: a manager cannot reset another manager, an admin another admin.
 */
function assertMayResetCredentials(principal: Principal, target: { id: string; level: number }): void {
  if (target.id !== principal.userId && target.level <= principal.level) throw new ForbiddenError('Only a more powerful role can reset this user\'s credentials');
}

/** `/api/v1/users`: list, create, show, change, delete, reset two-factor, log in as. */
export function userRoutes(container: RootContainer): RouteDefinition[] {
  const { rolePermissions, sessions } = container.cradle;
  return [
    defineRoute<Record<string, string>, { page: number; perPage: number; q?: string; status?: string; role?: string }>({
      method: 'GET',
      path: '/api/v1/users',
      permission: 'users.read',
      tags: ['users'],
      summary: 'Users of the tenant (filters: q on email, status, role)',
      schema: {
        query: {
          type: 'object',
          properties: { ...paginationQuery, q: { type: 'string', maxLength: 200 }, status: { enum: ['active', 'disabled'] }, role: { type: 'string', maxLength: 64 } },
        },
      },
      handler: async (ctx) => {
        const { db } = requestServices(ctx);
        const { q, status, role } = ctx.input.query;
        const query = db('users').select(LIST_COLUMNS).select(db.trx.raw(ROLE_NAMES_COLUMN)).orderBy([{ column: 'users.created_at' }, { column: 'users.id' }]);
        if (q) query.whereRaw('users.email ilike ?', [`%${q.replace(/[\\%_]/g, '\\$&')}%`]);
        if (status) query.where('users.status', status);
        if (role) query.whereExists((sub) => sub.from('user_roles as ur').join('roles as r', 'r.id', 'ur.role_id').whereRaw('ur.user_id = users.id').where('r.name', role));
        // One round trip: the page, its total (window count) and each user's role names.
        return paginate(query, ctx.input.query, (row) => listedUserToApi(row as never));
      },
    }),
    defineRoute<Record<string, string>, unknown, { email: string; password: string; name?: string; roles: string[]; clientId?: string }>({
      method: 'POST',
      path: '/api/v1/users',
      permission: 'users.create',
      tags: ['users'],
      summary: 'Create a user; granting a role above your own level is refused',
      successStatus: 201,
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password', 'roles'],
          additionalProperties: false,
          properties: { email, password, name: { type: 'string', maxLength: 200 }, roles: roleNames, clientId: { type: 'string', format: 'uuid' } },
        },
      },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const body = ctx.input.body;
        const roles = await rolesByName(db, body.roles);
        await assertCanGrantRoles(principal, roles, rolePermissions, db.trx);
        await assertClientBinding(container.cradle, db, levelOf(roles), body.clientId);
        const user = await createUser(db, body, roles);
        await audit.record({ action: 'user.created', targetType: 'user', targetId: user.id, after: user });
        return ok(userToApi(user, roles));
      },
    }),
    defineRoute<{ id: string }>({
      method: 'GET',
      path: '/api/v1/users/:id',
      permission: 'users.read',
      tags: ['users'],
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const user = await findUser(requestServices(ctx).db, ctx.input.params.id);
        return ok(userToApi(user, user.roles));
      },
    }),
    defineRoute<{ id: string }, unknown, UserPatch>({
      method: 'PATCH',
      path: '/api/v1/users/:id',
      permission: 'users.update',
      tags: ['users'],
      summary: 'Change a user; disabling it or setting its password ends its sessions at once',
      schema: {
        params: uuidParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { email, name: { type: ['string', 'null'], maxLength: 200 }, status: { enum: ['active', 'disabled'] }, roles: roleNames, password, clientId: { type: ['string', 'null'], format: 'uuid' } },
        },
      },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const before = await findUser(db, ctx.input.params.id);
        assertMayManage(principal, before.level);
        const patch = ctx.input.body;
        const changes: Record<string, unknown> = { updated_at: new Date() };
        if (patch.email !== undefined) changes.email = patch.email;
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.clientId !== undefined) changes.client_id = patch.clientId;
        if (patch.status !== undefined) {
          if (before.id === principal.userId && patch.status === 'disabled') throw new ForbiddenError('You cannot disable yourself');
          changes.status = patch.status;
        }
        if (patch.password !== undefined) {
          assertMayResetCredentials(principal, before);
          assertPasswordAcceptable(patch.password, patch.email ?? before.email);
          changes.password_hash = await hashPassword(patch.password);
          changes.password_changed_at = new Date();
        }
        let roles = before.roles;
        if (patch.roles) {
          roles = await rolesByName(db, patch.roles);
          await assertCanGrantRoles(principal, roles, rolePermissions, db.trx);
          if (before.id === principal.userId && levelOf(roles) !== before.level) throw new ForbiddenError('You cannot change your own level');
          await db('user_roles').where({ user_id: before.id }).delete();
          await db.insert('user_roles', roles.map((r) => ({ user_id: before.id, role_id: r.id })));
        }
        if (patch.roles || patch.clientId !== undefined) {
          await assertClientBinding(container.cradle, db, levelOf(roles), patch.clientId === undefined ? before.client_id : patch.clientId);
        }
        try {
          await db('users').where({ id: before.id }).update(changes);
        } catch (err) {
          if (isUniqueViolation(err)) throw new ConflictError('A user with this email already exists', { email: 'is already taken' });
          throw err;
        }
        if (changes.status === 'disabled' || changes.password_hash) await sessions.revokeAllForUser(db.trx, before.id, changes.password_hash ? 'password changed' : 'user disabled');
        if (changes.status === 'disabled') await revokeApiKeysOf(db, before.id);
        if (changes.status !== undefined || changes.password_hash || patch.roles) resyncSocketsAfterCommit(container, ctx, { userId: before.id });
        const after = await findUser(db, before.id);
        await audit.record({ action: 'user.updated', targetType: 'user', targetId: before.id, before: userToApi(before, before.roles), after: userToApi(after, roles) });
        return ok(userToApi(after, after.roles));
      },
    }),
    defineRoute<{ id: string }>({
      method: 'DELETE',
      path: '/api/v1/users/:id',
      permission: 'users.delete',
      tags: ['users'],
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const before = await findUser(db, ctx.input.params.id);
        assertMayManage(principal, before.level);
        if (before.id === principal.userId) throw new ForbiddenError('You cannot delete yourself');
        await db('users').where({ id: before.id }).delete();
        resyncSocketsAfterCommit(container, ctx, { userId: before.id });
        await audit.record({ action: 'user.deleted', targetType: 'user', targetId: before.id, before: userToApi(before, before.roles) });
        return ok(null, 'User deleted');
      },
    }),
    defineRoute<{ id: string }>({
      method: 'POST',
      path: '/api/v1/users/:id/2fa/reset',
      permission: 'users.update',
      tags: ['users'],
      summary: 'Turn off a user\'s two-factor (lost device); ends its sessions',
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        const user = await findUser(db, ctx.input.params.id);
        assertMayResetCredentials(principal, user);
        await db('users').where({ id: user.id }).update({ totp_enabled: false, totp_secret: null, totp_pending_secret: null, recovery_codes: '[]', updated_at: new Date() });
        await sessions.revokeAllForUser(db.trx, user.id, 'two-factor reset');
        await revokeApiKeysOf(db, user.id);
        resyncSocketsAfterCommit(container, ctx, { userId: user.id });
        await audit.record({ action: 'user.2fa_reset', targetType: 'user', targetId: user.id });
        return ok(null, 'Two-factor authentication reset');
      },
    }),
    impersonationRoute(container),
  ];
}
