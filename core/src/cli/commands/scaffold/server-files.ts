import type { ScaffoldNames } from '../plugin-scaffold.ts';

/** plugin.ts (manifest, a permission, two routes with the typed route context), a migration, a test. */
export function scaffoldServerFiles({ id, name, table, migrationStamp }: ScaffoldNames): Record<string, string> {
  return {
    'plugin.ts': `import { fileURLToPath } from 'node:url';
import { definePlugin, NotFoundError, ok, type RouteContext } from '@mpanel/sdk';

const READ = '${id}.read';
const WRITE = '${id}.write';
const uuid = { type: 'string', format: 'uuid' } as const;

interface Note { id: string; client_id: string; text: string; created_at: string }

export default definePlugin({
  manifest: {
    id: '${id}',
    name: '${name}',
    version: '0.1.0',
    engines: { mpanel: '>=0.1.0' },
    category: 'feature',
    // Names belong to their owner: this plugin owns its id (permissions ${id}.*, routes /api/v1/${id}/...).
    // Declare more resources here (plural nouns) if it grows.
    resources: [],
    // Billing offers the client-page tab this plugin's screen fills; it works without billing too.
    optionalDependencies: { billing: '>=0.1.0' },
    entry: { server: 'plugin.ts', ui: 'ui/dist/index.js', migrations: 'migrations' },
    permissions: [
      { name: READ, description: 'See ${name} notes', defaultRoles: ['admin', 'manager', 'support'] },
      { name: WRITE, description: 'Write ${name} notes', defaultRoles: ['admin', 'manager'] },
    ],
    events: { emits: ['${id}.noteAdded'] },
  },
  // Where the plugin lives: the test host and the CLI find its migrations from here.
  directory: fileURLToPath(new URL('.', import.meta.url)),

  register(ctx) {
    ctx.routes.add({
      method: 'GET',
      path: '/api/v1/${id}/clients/:clientId/notes',
      permission: READ,
      summary: "A client's notes, newest first",
      schema: { params: { type: 'object', required: ['clientId'], properties: { clientId: uuid } } },
      // ctx.db is the request's transaction with the tenant's row-level security applied.
      handler: async (req: RouteContext<{ clientId: string }>) => {
        const notes = (await req.db('${table}_notes').where({ client_id: req.params.clientId }).orderBy('created_at', 'desc').limit(100)) as Note[];
        return ok(notes.map((n) => ({ id: n.id, clientId: n.client_id, text: n.text, createdAt: n.created_at })));
      },
    });
    ctx.routes.add({
      method: 'POST',
      path: '/api/v1/${id}/clients/:clientId/notes',
      permission: WRITE,
      summary: 'Adds a note to a client',
      successStatus: 201,
      schema: {
        params: { type: 'object', required: ['clientId'], properties: { clientId: uuid } },
        body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 2000 } } },
      },
      handler: async (req: RouteContext<{ clientId: string }, Record<string, unknown>, { text: string }>) => {
        if (!req.tenant) throw new NotFoundError();
        const [note] = (await req.db('${table}_notes').insert({ tenant_id: req.tenant.id, client_id: req.params.clientId, text: req.body.text }).returning('*')) as Note[];
        // Written to the outbox in the same transaction: delivered only if the insert commits.
        await ctx.events.emit('${id}.noteAdded', { noteId: note!.id, clientId: note!.client_id });
        return ok({ id: note!.id, clientId: note!.client_id, text: note!.text, createdAt: note!.created_at });
      },
    });
  },
});
`,
    [`migrations/${migrationStamp}_${table}_notes.ts`]: `import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

// uuid id, tenant_id, timestamps and row-level security in one call.
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, '${table}_notes', (t) => {
    t.uuid('client_id').notNullable().index();
    t.text('text').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('${table}_notes');
}
`,
    'test/plugin.test.ts': `import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestHost, type TestHost } from '@mpanel/sdk/testing';
import plugin from '../plugin.ts';

describe('${id} plugin', () => {
  let host: TestHost;
  before(async () => {
    host = await createTestHost({ plugins: [plugin] });
  });
  after(() => host?.close());

  it('is active', () => {
    assert.deepEqual(host.plugins().map((p) => [p.id, p.status, p.error]), [['${id}', 'active', undefined]]);
  });

  it('adds a note to a client, lists it and records ${id}.noteAdded', async () => {
    const clientId = randomUUID();
    const created = await host.request('POST', \`/api/v1/${id}/clients/\${clientId}/notes\`, { body: { text: 'Prefers email' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.text, 'Prefers email');
    const list = await host.request('GET', \`/api/v1/${id}/clients/\${clientId}/notes\`);
    assert.deepEqual(list.body.data.map((n: { text: string }) => n.text), ['Prefers email']);
    const events = await host.events('${id}.noteAdded');
    assert.deepEqual(events.map((e) => e.payload), [{ noteId: created.body.data.id, clientId }]);
  });

  it('refuses bad input and anonymous callers', async () => {
    assert.equal((await host.request('POST', \`/api/v1/${id}/clients/\${randomUUID()}/notes\`, { body: { text: '' } })).status, 400);
    assert.equal((await host.request('GET', '/api/v1/${id}/clients/not-a-uuid/notes')).status, 400);
    assert.equal((await host.request('GET', \`/api/v1/${id}/clients/\${randomUUID()}/notes\`, { token: null })).status, 401);
  });
});
`,
  };
}
