import { randomBytes } from 'node:crypto';
import { ValidationError, type PluginContext } from '@mpanel/sdk';
import { HostingDatabase } from '../models/index.ts';
import { idParams, objectBody, route, uuid } from '../routes/common.ts';
import type { ResourceSpec } from './spec.ts';

/** MariaDB caps a user's connections (MAX_USER_CONNECTIONS) so one account cannot starve the server. */
export const DEFAULT_MAX_CONNECTIONS = 20;
const field = (databaseId: string) => `database-password:${databaseId}`;

/** 24 characters from 18 random bytes (base64url: no quoting trouble in a shell or a DSN). */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The password travels to the server inside the operation's desired resource, sealed for this
 * database: `desired.resource.passwordSealed`. The engine opens it with `openDatabasePassword`
 * and should drop it from the row once applied. It is never stored in clear and shown once.
 */
export function openDatabasePassword(plugin: PluginContext, tenantId: string, databaseId: string, sealed: string): string {
  return plugin.secrets.open(sealed, field(databaseId), tenantId);
}

function sealedPassword(plugin: PluginContext, tenantId: string, databaseId: string): { password: string; passwordSealed: string } {
  const password = generatePassword();
  return { password, passwordSealed: plugin.secrets.seal(password, field(databaseId), tenantId) };
}

export const databaseSpec: ResourceSpec<HostingDatabase> = {
  segment: 'databases',
  param: 'databaseId',
  model: HostingDatabase,
  subjectType: 'database',
  limit: 'databases',
  noun: 'database',
  duplicate: 'A database with this name exists in the account',
  // `name` is the part after the account's prefix: `shop` → `<username>_shop`.
  createBody: objectBody({ name: { type: 'string', pattern: '^[a-z0-9_]{1,16}$' }, engine: { enum: ['mariadb'] } }, ['name']),
  patchBody: null,
  async build(ctx, body, id) {
    const name = `${ctx.account.username}_${body.name as string}`;
    if (name.length > 32) throw new ValidationError({ name: 'is too long with the account prefix (32 characters at most)' });
    const { password, passwordSealed } = sealedPassword(ctx.h.plugin, ctx.h.db.tenantId, id);
    return {
      row: { engine: 'mariadb', name, dbUser: name, maxConnections: DEFAULT_MAX_CONNECTIONS },
      reveal: { password },
      secret: { passwordSealed },
    };
  },
  desired: (_ctx, db) => ({ kind: 'database', engine: db.engine, name: db.name, user: db.dbUser, maxConnections: db.maxConnections ?? DEFAULT_MAX_CONNECTIONS }),
  extraRoutes: (helpers) => [
    route(helpers.plugin, {
      method: 'POST', path: '/api/v1/hosting-accounts/:id/databases/:databaseId/reset-password', permission: 'databases.write',
      schema: { params: { ...idParams, required: ['id', 'databaseId'], properties: { id: uuid, databaseId: uuid } } },
    }, async (h, ctx) => {
      const sc = await helpers.load(h, ctx.input.params);
      const { password, passwordSealed } = sealedPassword(h.plugin, h.db.tenantId, sc.row.id);
      return { id: sc.row.id, password, operation: await helpers.ensure(sc, sc.row, { passwordSealed }) };
    }),
  ],
};
