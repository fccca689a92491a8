import type { Knex } from 'knex';

/**
 * The role requests run as (`SET LOCAL ROLE mpanel_app`): not the owner of any table and not a
 * superuser, so row-level security applies to it. Roles are cluster-wide, so it is created once
 * and never dropped; every table created later is granted to it by default.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`DO $$ BEGIN CREATE ROLE mpanel_app NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  // The connecting role must be able to SET ROLE to it (a superuser can anyway).
  await knex.raw(`DO $$ BEGIN EXECUTE format('GRANT mpanel_app TO %I', current_user); EXCEPTION WHEN others THEN NULL; END $$`);
  await knex.raw('GRANT USAGE ON SCHEMA public TO mpanel_app');
  await knex.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mpanel_app');
  await knex.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO mpanel_app');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM mpanel_app');
  await knex.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM mpanel_app');
  await knex.raw('REVOKE USAGE ON SCHEMA public FROM mpanel_app');
}
