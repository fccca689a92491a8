import type { Knex } from 'knex';
import { APP_ROLE } from '@mpanel/sdk';

/**
 * On PostgreSQL requests, jobs and event handlers log in as the app role itself (a pool of its
 * own), rather than the owner switching to it with `SET LOCAL ROLE`, which any statement could
 * undo with `RESET ROLE`. The role gets LOGIN and is explicitly none of the roles that would
 * bypass row-level security. A migration role without CREATEROLE cannot do this: the database
 * administrator then does it once (README, "Database roles").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`DO $$ BEGIN
    ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'cannot give ${APP_ROLE} LOGIN: run ALTER ROLE ${APP_ROLE} LOGIN as an administrator';
  END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DO $$ BEGIN ALTER ROLE ${APP_ROLE} WITH NOLOGIN; EXCEPTION WHEN insufficient_privilege THEN NULL; END $$`);
}
