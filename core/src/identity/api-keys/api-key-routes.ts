import { randomBytes } from 'node:crypto';
import { ForbiddenError, NotFoundError, ValidationError, ok, paginationQuery } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import type { RootContainer } from '../../container.ts';
import { requestServices } from '../route-context.ts';
import { paginate } from '../pagination.ts';
import { toApi, uuidParam } from '../serialize.ts';
import { randomToken, sha256 } from '../auth/secrets.ts';
import { assertHoldsAll } from '../roles/grant-rules.ts';

const COLUMNS = ['id', 'user_id', 'name', 'prefix', 'permissions', 'expires_at', 'last_used_at', 'revoked_at', 'created_at', 'updated_at'];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `mpk_<12-char visible prefix>_<256-bit secret>`: the prefix finds the row, the hash proves the key. */
function newKey(): { key: string; prefix: string } {
  const prefix = [...randomBytes(12)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return { key: `mpk_${prefix}_${randomToken(32)}`, prefix };
}

/** `/api/v1/api-keys`: keys carry a subset of their creator's permissions; the key is shown once. */
export function apiKeyRoutes(container: RootContainer): RouteDefinition[] {
  const { permissionRegistry } = container.cradle;
  return [
    defineRoute<Record<string, string>, { page: number; perPage: number }>({
      method: 'GET',
      path: '/api/v1/api-keys',
      permission: 'api-keys.read',
      tags: ['api-keys'],
      schema: { query: { type: 'object', properties: { ...paginationQuery } } },
      handler: async (ctx) => {
        const query = requestServices(ctx).db('api_keys').select(COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
        return paginate(query, ctx.input.query, (row) => toApi(row));
      },
    }),
    defineRoute<Record<string, string>, unknown, { name: string; permissions: string[]; expiresAt?: string }>({
      method: 'POST',
      path: '/api/v1/api-keys',
      permission: 'api-keys.create',
      tags: ['api-keys'],
      summary: 'Create an API key with a subset of your permissions; the key is in this answer only',
      successStatus: 201,
      schema: {
        body: {
          type: 'object',
          required: ['name', 'permissions'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            permissions: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: { type: 'string', maxLength: 128 } },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
      },
      handler: async (ctx) => {
        const { db, audit, principal } = requestServices(ctx);
        if (principal.kind !== 'user' || !principal.userId) throw new ForbiddenError('Only users create API keys');
        // A key outlives the session: never minted from somebody else's "log in as" session.
        if (ctx.state.impersonatedBy) throw new ForbiddenError('API keys cannot be created while logged in as somebody else');
        const body = ctx.input.body;
        const unknown = body.permissions.filter((p) => !permissionRegistry.has(p));
        if (unknown.length) throw new ValidationError({ permissions: `unknown permission ${unknown.join(', ')}` });
        assertHoldsAll(principal, body.permissions);
        if (body.expiresAt && new Date(body.expiresAt).getTime() <= Date.now()) throw new ValidationError({ expiresAt: 'must be in the future' });
        const { key, prefix } = newKey();
        const [row] = await db.insert<Record<string, unknown>>('api_keys', {
          user_id: principal.userId,
          name: body.name,
          prefix,
          key_hash: sha256(key),
          permissions: JSON.stringify(body.permissions),
          expires_at: body.expiresAt ?? null,
        });
        const out = toApi(Object.fromEntries(COLUMNS.map((c) => [c, row![c]])));
        await audit.record({ action: 'api_key.created', targetType: 'api_key', targetId: String(row!.id), after: out });
        return ok({ ...out, key }, 'Store the key now: it is not shown again');
      },
    }),
    defineRoute<{ id: string }>({
      method: 'DELETE',
      path: '/api/v1/api-keys/:id',
      permission: 'api-keys.delete',
      tags: ['api-keys'],
      summary: 'Revoke an API key',
      schema: { params: uuidParam },
      handler: async (ctx) => {
        const { db, audit } = requestServices(ctx);
        const updated = await db('api_keys').where({ id: ctx.input.params.id }).whereNull('revoked_at').update({ revoked_at: new Date(), updated_at: new Date() });
        if (!updated) throw new NotFoundError('API key not found');
        await audit.record({ action: 'api_key.revoked', targetType: 'api_key', targetId: ctx.input.params.id });
        return ok(null, 'API key revoked');
      },
    }),
  ];
}
