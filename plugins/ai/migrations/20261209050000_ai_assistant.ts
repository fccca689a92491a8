import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * The assistant: conversations per user (and audience: the admin's or the portal's chat), their
 * messages in the model's own format (so a conversation can be replayed to it), every tool call
 * with its outcome (the audit trail of what the model asked for and what was refused), and the
 * writes it proposed, which run only when the same user confirms them.
 */
async function check(knex: Knex, table: string, name: string, expr: string): Promise<void> {
  await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${name}_check CHECK (${expr})`);
}

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'ai_assistant_conversations', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('audience').notNullable();
    t.text('title').notNullable();
    t.index(['user_id', 'audience'], 'ai_assistant_conversations_user_idx');
    // Retention deletes conversations idle for longer than the tenant's period.
    t.index(['updated_at'], 'ai_assistant_conversations_updated_idx');
  });
  await check(knex, 'ai_assistant_conversations', 'audience', `audience IN ('staff','portal')`);

  await createTenantTable(knex, 'ai_assistant_messages', (t) => {
    t.uuid('conversation_id').notNullable().references('id').inTable('ai_assistant_conversations').onDelete('CASCADE');
    t.text('role').notNullable();
    // The message as sent to the model (role, content, tool_calls, tool_call_id).
    t.jsonb('payload').notNullable();
    t.index(['conversation_id', 'created_at'], 'ai_assistant_messages_conversation_idx');
  });
  await check(knex, 'ai_assistant_messages', 'role', `role IN ('user','assistant','tool')`);

  await createTenantTable(knex, 'ai_assistant_tool_calls', (t) => {
    t.uuid('conversation_id').notNullable().references('id').inTable('ai_assistant_conversations').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('tool').notNullable();
    t.jsonb('arguments');
    t.text('outcome').notNullable();
    t.integer('http_status');
    t.text('reason');
    t.index(['conversation_id'], 'ai_assistant_tool_calls_conversation_idx');
    t.index(['user_id'], 'ai_assistant_tool_calls_user_idx');
  });
  await check(knex, 'ai_assistant_tool_calls', 'outcome', `outcome IN ('ok','refused','failed','proposed')`);

  await createTenantTable(knex, 'ai_assistant_proposals', (t) => {
    t.uuid('conversation_id').notNullable().references('id').inTable('ai_assistant_conversations').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('tool').notNullable();
    t.text('summary').notNullable();
    t.text('method').notNullable();
    t.text('path').notNullable();
    t.jsonb('body');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('result_status');
    t.timestamp('decided_at', { useTz: true });
    t.index(['conversation_id'], 'ai_assistant_proposals_conversation_idx');
    t.index(['user_id'], 'ai_assistant_proposals_user_idx');
  });
  await check(knex, 'ai_assistant_proposals', 'status', `status IN ('pending','running','done','failed','cancelled')`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ai_assistant_proposals', 'ai_assistant_tool_calls', 'ai_assistant_messages', 'ai_assistant_conversations']) {
    await knex.schema.dropTableIfExists(table);
  }
}
