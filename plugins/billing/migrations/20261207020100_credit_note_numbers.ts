import type { Knex } from 'knex';

/**
 * Credit notes get a number series of their own (`CN-2026-00001`, setting `creditNoteNumberFormat`):
 * the per-tenant counter row becomes one row per (tenant, series). Existing rows are the invoice series.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE invoice_sequences ADD COLUMN series text NOT NULL DEFAULT 'invoice'`);
  await knex.raw(`ALTER TABLE invoice_sequences ADD CONSTRAINT invoice_sequences_series_check CHECK (series IN ('invoice','credit_note'))`);
  await knex.raw('ALTER TABLE invoice_sequences DROP CONSTRAINT invoice_sequences_tenant_id_unique');
  await knex.raw('ALTER TABLE invoice_sequences ADD CONSTRAINT invoice_sequences_tenant_series_unique UNIQUE (tenant_id, series)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DELETE FROM invoice_sequences WHERE series <> 'invoice'`);
  await knex.raw('ALTER TABLE invoice_sequences DROP CONSTRAINT invoice_sequences_tenant_series_unique');
  await knex.raw('ALTER TABLE invoice_sequences ADD CONSTRAINT invoice_sequences_tenant_id_unique UNIQUE (tenant_id)');
  await knex.raw('ALTER TABLE invoice_sequences DROP COLUMN series');
}
