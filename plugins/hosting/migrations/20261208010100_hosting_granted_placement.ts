import type { Knex } from 'knex';
import { APP_ROLE, CURRENT_TENANT_SQL } from '@mpanel/sdk';

/**
 * A reseller places accounts on a granted group by the group owner's rule (fill, round robin...),
 * which it cannot read under row-level security: this answers the rule of a group the calling
 * tenant owns or was granted, and nothing else about it.
 */
export async function up(knex: Knex): Promise<void> {
  const me = CURRENT_TENANT_SQL;
  await knex.raw(`
    CREATE FUNCTION hosting_group_placement(p_group uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT g.placement FROM server_groups g
      WHERE g.id = p_group
        AND (g.tenant_id = ${me} OR EXISTS (SELECT 1 FROM server_group_grants s WHERE s.group_id = p_group AND s.child_tenant_id = ${me}))
    $$`);
  await knex.raw('REVOKE ALL ON FUNCTION hosting_group_placement(uuid) FROM PUBLIC');
  await knex.raw(`GRANT EXECUTE ON FUNCTION hosting_group_placement(uuid) TO ${APP_ROLE}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS hosting_group_placement(uuid)');
}
