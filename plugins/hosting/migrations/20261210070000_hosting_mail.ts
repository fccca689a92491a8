import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * Mail hosting (issue 18): mail domains of a hosting account, their mailboxes and aliases
 * (forwarders). Passwords are stored only as Dovecot `{ARGON2ID}` hashes; a domain's DKIM private
 * key only sealed (`ctx.secrets`). The catch-all is a column of the domain.
 */
const RESOURCE_STATES = `('creating','active','suspended','removing','removed','failed')`;
const SUBJECTS_BEFORE = `('account','site','database','sftpUser','cron','server')`;
const SUBJECTS = `('account','site','database','sftpUser','cron','server','mailDomain','mailbox','mailAlias')`;

const resource = (t: Knex.CreateTableBuilder) => {
  t.uuid('account_id').notNullable().references('id').inTable('hosting_accounts').onDelete('CASCADE');
  t.text('state').notNullable().defaultTo('creating');
  t.index(['account_id']);
};

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'mail_domains', (t) => {
    resource(t);
    t.text('domain').notNullable();
    // An address inside or outside the domain that gets mail for unknown local parts; null = none.
    t.text('catch_all');
    t.text('dkim_selector').notNullable();
    // PEM, sealed for this domain (`mail-dkim:<id>`); the public key (base64 SPKI) goes to DNS.
    t.text('dkim_private_sealed').notNullable();
    t.text('dkim_public_key').notNullable();
    // [{ name, type, value }] added to a zone hosted here, removed with the domain.
    t.jsonb('dns_records').notNullable().defaultTo('[]');
  });
  await knex.raw(`ALTER TABLE mail_domains ADD CONSTRAINT mail_domains_state_check CHECK (state IN ${RESOURCE_STATES})`);
  // Postfix routes by domain, not by tenant: one live mail domain per name on the platform.
  await knex.raw(`CREATE UNIQUE INDEX mail_domains_live_domain_uniq ON mail_domains (lower(domain)) WHERE state <> 'removed'`);

  await createTenantTable(knex, 'mailboxes', (t) => {
    resource(t);
    t.uuid('mail_domain_id').notNullable().references('id').inTable('mail_domains').onDelete('CASCADE');
    t.text('local_part').notNullable();
    // `{ARGON2ID}$argon2id$v=19$…` (Dovecot scheme prefix + PHC string); never the password.
    t.text('password_hash').notNullable();
    t.integer('quota_mb').notNullable();
    t.integer('send_limit_per_hour');
    // { subject, body, from, until } or null
    t.jsonb('autoresponder');
    t.index(['mail_domain_id']);
  });
  await knex.raw(`ALTER TABLE mailboxes ADD CONSTRAINT mailboxes_state_check CHECK (state IN ${RESOURCE_STATES})`);
  await knex.raw('ALTER TABLE mailboxes ADD CONSTRAINT mailboxes_quota_check CHECK (quota_mb > 0 AND (send_limit_per_hour IS NULL OR send_limit_per_hour >= 0))');
  await knex.raw(`CREATE UNIQUE INDEX mailboxes_live_address_uniq ON mailboxes (mail_domain_id, lower(local_part)) WHERE state <> 'removed'`);

  await createTenantTable(knex, 'mail_aliases', (t) => {
    resource(t);
    t.uuid('mail_domain_id').notNullable().references('id').inTable('mail_domains').onDelete('CASCADE');
    t.text('local_part').notNullable();
    t.specificType('targets', 'text[]').notNullable();
    t.index(['mail_domain_id']);
  });
  await knex.raw(`ALTER TABLE mail_aliases ADD CONSTRAINT mail_aliases_state_check CHECK (state IN ${RESOURCE_STATES})`);
  await knex.raw(`CREATE UNIQUE INDEX mail_aliases_live_address_uniq ON mail_aliases (mail_domain_id, lower(local_part)) WHERE state <> 'removed'`);

  await knex.raw('ALTER TABLE provisioning_operations DROP CONSTRAINT provisioning_operations_subject_check');
  await knex.raw(`ALTER TABLE provisioning_operations ADD CONSTRAINT provisioning_operations_subject_check CHECK (subject_type IN ${SUBJECTS})`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('provisioning_operations').whereIn('subject_type', ['mailDomain', 'mailbox', 'mailAlias']).delete();
  await knex.raw('ALTER TABLE provisioning_operations DROP CONSTRAINT provisioning_operations_subject_check');
  await knex.raw(`ALTER TABLE provisioning_operations ADD CONSTRAINT provisioning_operations_subject_check CHECK (subject_type IN ${SUBJECTS_BEFORE})`);
  for (const table of ['mail_aliases', 'mailboxes', 'mail_domains']) await dropTenantTable(knex, table);
}
