import assert from 'node:assert/strict';
import { definePlugin, ok, NotFoundError } from '@mpanel/sdk';
import { createTestHost, type TestHost } from '@mpanel/sdk/testing';
import memo from './fixtures/memo/plugin.ts';

/** A first plugin: one screen. */
const notes = definePlugin({
  manifest: {
    id: 'notes',
    name: 'Notes',
    version: '1.0.0',
    engines: { mpanel: '>=0.1.0' },
    permissions: [{ name: 'notes.write', description: 'Write notes', defaultRoles: ['admin'] }],
    events: { emits: ['note.created'], subscribes: ['note.created'] },
  },
  register(ctx) {
    ctx.routes.add({
      method: 'POST',
      path: '/api/v1/notes',
      permission: 'notes.write',
      schema: { body: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } } },
      successStatus: 201,
      handler: async (c) => {
        const { text } = c.input.body as { text: string };
        if (text === 'missing') throw new NotFoundError();
        const id = await ctx.events.emit('note.created', { text });
        return ok({ eventId: id, text });
      },
    });
    ctx.events.subscribe<{ text: string }>('note.created', (event) => {
      seen.push(event.payload.text);
    });
  },
});
const seen: string[] = [];

describe('@mpanel/sdk/testing createTestHost', () => {
  let host: TestHost;
  before(async () => {
    host = await createTestHost({ plugins: [notes] });
  });
  after(() => host?.close());

  it('serves the plugin, records its events and delivers them', async () => {
    assert.deepEqual(host.plugins().map((p) => [p.id, p.status]), [['notes', 'active']]);
    const res = await host.request('POST', '/api/v1/notes', { body: { text: 'hello' } });
    assert.equal(res.status, 201);
    const events = await host.events('note.created');
    assert.equal(events.length, 1);
    assert.deepEqual([events[0]!.id, events[0]!.payload], [res.body.data.eventId, { text: 'hello' }]);
    await host.settle();
    assert.deepEqual(seen, ['hello']);
    assert.equal((await host.request('POST', '/api/v1/notes', { body: { text: 'missing' } })).status, 404);
    assert.equal((await host.request('POST', '/api/v1/notes', { token: null, body: { text: 'x' } })).status, 401);
  });
});

describe('createTestHost with a plugin that has migrations', () => {
  let host: TestHost;
  before(async () => {
    host = await createTestHost({ plugins: [memo] });
  });
  after(() => host?.close());

  it('runs the plugin\'s migrations (from definition.directory) before it serves', async () => {
    assert.deepEqual(host.plugins().map((p) => [p.id, p.status]), [['memo', 'active']]);
    const res = await host.request('POST', '/api/v1/memos', { body: { text: 'kept' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual((await host.knex('memos').select('text')).map((r: { text: string }) => r.text), ['kept']);
    assert.equal((await host.knex('knex_migrations_memo').count({ n: '*' }))[0]!.n, 1);
  });
});
