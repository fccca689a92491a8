import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * Ticket assistance: usage per call (the budget and the per-user rate limit are read from it),
 * the audit of prompts and answers (kept for the tenant's retention period), knowledge-base
 * embeddings (a real[] column and cosine in process: works on PGlite and on any PostgreSQL, no
 * pgvector needed), and triage suggestions waiting for staff.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'ai_usage', (t) => {
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('feature').notNullable();
    t.date('day').notNullable();
    t.integer('tokens_in').notNullable().defaultTo(0);
    t.integer('tokens_out').notNullable().defaultTo(0);
    t.index(['tenant_id', 'day'], 'ai_usage_tenant_day_idx');
    t.index(['user_id', 'created_at'], 'ai_usage_user_created_idx');
    t.index(['created_at'], 'ai_usage_created_idx');
  });
  await knex.raw(`ALTER TABLE ai_usage ADD CONSTRAINT ai_usage_feature_check CHECK (feature IN ('drafts','triage','assistant','eval'))`);
  await knex.raw('ALTER TABLE ai_usage ADD CONSTRAINT ai_usage_tokens_check CHECK (tokens_in >= 0 AND tokens_out >= 0)');

  await createTenantTable(knex, 'ai_audit', (t) => {
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL').index('ai_audit_user_idx');
    t.text('feature').notNullable();
    // What the call was about (a ticket), for the audit view.
    t.text('subject_type');
    t.uuid('subject_id');
    t.text('model').notNullable();
    t.jsonb('messages').notNullable();
    t.text('answer');
    t.text('error');
    t.index(['created_at'], 'ai_audit_created_idx');
    t.index(['subject_id'], 'ai_audit_subject_idx');
  });

  await createTenantTable(knex, 'ai_kb_embeddings', (t) => {
    t.uuid('article_id').notNullable().references('id').inTable('kb_articles').onDelete('CASCADE');
    t.text('model').notNullable();
    // sha256 of model + title + body: an article whose text changed is embedded again.
    t.text('content_hash').notNullable();
    t.specificType('embedding', 'real[]').notNullable();
    t.unique(['article_id'], { indexName: 'ai_kb_embeddings_article_uniq' });
  });

  await createTenantTable(knex, 'ai_ticket_triage', (t) => {
    t.uuid('ticket_id').notNullable().references('id').inTable('tickets').onDelete('CASCADE');
    t.uuid('department_id').references('id').inTable('ticket_departments').onDelete('SET NULL').index('ai_ticket_triage_department_idx');
    t.text('priority');
    t.text('sentiment');
    t.text('summary');
    t.text('language');
    t.text('status').notNullable().defaultTo('suggested');
    t.uuid('decided_by').references('id').inTable('users').onDelete('SET NULL').index('ai_ticket_triage_decided_by_idx');
    t.timestamp('decided_at', { useTz: true });
    t.unique(['ticket_id'], { indexName: 'ai_ticket_triage_ticket_uniq' });
  });
  await knex.raw(`ALTER TABLE ai_ticket_triage ADD CONSTRAINT ai_ticket_triage_status_check CHECK (status IN ('suggested','accepted','dismissed'))`);
  await knex.raw(`ALTER TABLE ai_ticket_triage ADD CONSTRAINT ai_ticket_triage_priority_check CHECK (priority IS NULL OR priority IN ('low','medium','high','urgent'))`);
  await knex.raw(`ALTER TABLE ai_ticket_triage ADD CONSTRAINT ai_ticket_triage_sentiment_check CHECK (sentiment IS NULL OR sentiment IN ('positive','neutral','negative'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ai_ticket_triage', 'ai_kb_embeddings', 'ai_audit', 'ai_usage']) await knex.schema.dropTableIfExists(table);
}
