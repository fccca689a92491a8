import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * Tickets: departments and their staff, tickets with SLA deadlines and links to billing's
 * clients/services/invoices, every message (client, staff, internal note, mail) and its
 * attachments, canned replies, the per-tenant ticket number counter and the per-tenant key that
 * signs reply addresses. Tenant tables all (tenant_id + row-level security via the SDK helper).
 */
async function check(knex: Knex, table: string, name: string, expr: string): Promise<void> {
  await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${name}_check CHECK (${expr})`);
}

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'ticket_departments', (t) => {
    t.text('name').notNullable();
    t.text('email');
    t.text('description');
    t.boolean('client_visible').notNullable().defaultTo(true);
    // What a mail from an address that is no client becomes: a new client, a refusal, or a guest ticket.
    t.text('unknown_sender_policy').notNullable().defaultTo('guest');
    t.boolean('round_robin').notNullable().defaultTo(false);
    t.uuid('last_assigned_user_id');
    t.integer('sort_order').notNullable().defaultTo(0);
  });
  await check(knex, 'ticket_departments', 'policy', `unknown_sender_policy IN ('create_client','reject','guest')`);
  await knex.raw('CREATE UNIQUE INDEX ticket_departments_tenant_email_uniq ON ticket_departments (tenant_id, lower(email)) WHERE email IS NOT NULL');

  await createTenantTable(knex, 'ticket_department_members', (t) => {
    t.uuid('department_id').notNullable().references('id').inTable('ticket_departments').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.index(['department_id'], 'ticket_department_members_department_idx');
    t.index(['user_id'], 'ticket_department_members_user_idx');
    t.unique(['department_id', 'user_id']);
  });

  await createTenantTable(knex, 'tickets', (t) => {
    t.integer('number').notNullable();
    t.uuid('department_id').notNullable().references('id').inTable('ticket_departments');
    t.uuid('client_id').references('id').inTable('clients').onDelete('SET NULL');
    // The person who wrote in (a client's contact, or a guest by mail).
    t.text('contact_email').notNullable();
    t.text('contact_name');
    t.text('subject').notNullable();
    t.text('status').notNullable().defaultTo('open');
    t.text('priority').notNullable().defaultTo('medium');
    t.uuid('assignee_user_id').references('id').inTable('users').onDelete('SET NULL');
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.uuid('service_id').references('id').inTable('services').onDelete('SET NULL');
    t.uuid('invoice_id').references('id').inTable('invoices').onDelete('SET NULL');
    t.text('domain');
    t.timestamp('first_response_due_at', { useTz: true });
    t.timestamp('resolution_due_at', { useTz: true });
    t.timestamp('first_responded_at', { useTz: true });
    t.timestamp('sla_warned_at', { useTz: true });
    t.timestamp('sla_breached_at', { useTz: true });
    t.timestamp('escalated_at', { useTz: true });
    t.timestamp('last_client_reply_at', { useTz: true });
    t.timestamp('last_staff_reply_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.integer('rating');
    t.text('rating_comment');
    t.uuid('merged_into_id').references('id').inTable('tickets').onDelete('SET NULL');
    // The first mail's Message-ID: replies to it thread onto this ticket.
    t.text('mail_message_id');
    t.index(['department_id'], 'tickets_department_idx');
    t.index(['client_id'], 'tickets_client_idx');
    t.index(['assignee_user_id'], 'tickets_assignee_idx');
    t.index(['service_id'], 'tickets_service_idx');
    t.index(['invoice_id'], 'tickets_invoice_idx');
    t.index(['merged_into_id'], 'tickets_merged_into_idx');
    t.unique(['tenant_id', 'number']);
  });
  await check(knex, 'tickets', 'status', `status IN ('open','answered','customer_reply','on_hold','closed')`);
  await check(knex, 'tickets', 'priority', `priority IN ('low','medium','high','urgent')`);
  await check(knex, 'tickets', 'rating', 'rating IS NULL OR rating BETWEEN 1 AND 5');
  await knex.raw('CREATE INDEX tickets_tenant_status_idx ON tickets (tenant_id, status, updated_at)');

  await createTenantTable(knex, 'ticket_messages', (t) => {
    t.uuid('ticket_id').notNullable().references('id').inTable('tickets').onDelete('CASCADE');
    t.text('author_kind').notNullable();
    t.uuid('author_user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('author_email');
    t.text('author_name');
    t.text('body').notNullable();
    t.boolean('internal').notNullable().defaultTo(false);
    t.text('via').notNullable().defaultTo('web');
    t.text('mail_message_id');
    // The ticket a merged message came from.
    t.uuid('original_ticket_id').references('id').inTable('tickets').onDelete('SET NULL');
    t.index(['ticket_id', 'created_at'], 'ticket_messages_ticket_idx');
    t.index(['author_user_id'], 'ticket_messages_author_idx');
    t.index(['original_ticket_id'], 'ticket_messages_original_idx');
  });
  await check(knex, 'ticket_messages', 'author', `author_kind IN ('client','staff','system')`);
  await check(knex, 'ticket_messages', 'via', `via IN ('web','mail')`);
  // A mail delivered twice (a retrying relay) is one message.
  await knex.raw('CREATE UNIQUE INDEX ticket_messages_mail_id_uniq ON ticket_messages (tenant_id, mail_message_id) WHERE mail_message_id IS NOT NULL');

  await createTenantTable(knex, 'ticket_attachments', (t) => {
    t.uuid('ticket_id').notNullable().references('id').inTable('tickets').onDelete('CASCADE');
    t.uuid('message_id').notNullable().references('id').inTable('ticket_messages').onDelete('CASCADE');
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.text('storage').notNullable();
    t.text('storage_key').notNullable();
    t.index(['ticket_id'], 'ticket_attachments_ticket_idx');
    t.index(['message_id'], 'ticket_attachments_message_idx');
  });

  await createTenantTable(knex, 'canned_replies', (t) => {
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.uuid('department_id').references('id').inTable('ticket_departments').onDelete('CASCADE');
    t.index(['department_id'], 'canned_replies_department_idx');
  });

  // One row per tenant: the last ticket number handed out (numbers are never reused).
  await createTenantTable(knex, 'ticket_counters', (t) => {
    t.integer('value').notNullable().defaultTo(0);
    t.unique(['tenant_id']);
  }, { bare: true });

  // One row per tenant: the key of the HMAC in reply addresses (a guessed address finds no ticket).
  await createTenantTable(knex, 'ticket_mail_keys', (t) => {
    t.text('secret').notNullable();
    t.unique(['tenant_id']);
  }, { bare: true });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ticket_mail_keys', 'ticket_counters', 'canned_replies', 'ticket_attachments', 'ticket_messages', 'tickets', 'ticket_department_members', 'ticket_departments']) {
    await knex.schema.dropTableIfExists(table);
  }
}
