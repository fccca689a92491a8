import type { Knex } from 'knex';
import { APP_ROLE, createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * A tenant's brand (one row per tenant; a NULL column inherits the parent tenant's) and its
 * uploaded images (logo light/dark, favicon). Tenant tables with row-level security.
 *
 * Sub-tenants inherit along `tenants.parent_tenant_id`, and the brand is shown to anonymous
 * visitors of the tenant's domain, so two narrow SECURITY DEFINER functions read across the
 * chain: `white_label_chain` answers only the public brand columns (never the mail sender) of a
 * tenant and its ancestors, `white_label_asset` one image only if it belongs to that chain.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'white_label_brands', (t) => {
    t.text('name');
    t.text('logo_url');
    t.text('logo_dark_url');
    t.text('favicon_url');
    t.jsonb('colors');
    t.text('font');
    t.text('login_text');
    t.text('footer_text');
    t.jsonb('legal_links');
    t.text('theme');
    t.text('mail_from_name');
    t.text('mail_from_address');
    t.unique(['tenant_id'], { indexName: 'white_label_brands_tenant_uniq' });
  });
  await createTenantTable(knex, 'white_label_assets', (t) => {
    t.text('kind').notNullable();
    t.text('content_type').notNullable();
    t.binary('data').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.unique(['tenant_id', 'kind'], { indexName: 'white_label_assets_tenant_kind_uniq' });
  });
  await knex.raw(`ALTER TABLE white_label_assets ADD CONSTRAINT white_label_assets_kind_check CHECK (kind IN ('logo','logo_dark','favicon'))`);
  await knex.raw(`
    CREATE FUNCTION white_label_chain(p_tenant uuid)
    RETURNS TABLE(depth int, tenant_id uuid, brand jsonb, assets jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      WITH RECURSIVE chain(id, parent, depth) AS (
        SELECT t.id, t.parent_tenant_id, 0 FROM tenants t WHERE t.id = p_tenant
        UNION ALL
        SELECT t.id, t.parent_tenant_id, c.depth + 1 FROM tenants t JOIN chain c ON t.id = c.parent WHERE c.depth < 20
      )
      SELECT c.depth, c.id,
        (SELECT jsonb_build_object('name', b.name, 'logo_url', b.logo_url, 'logo_dark_url', b.logo_dark_url,
            'favicon_url', b.favicon_url, 'colors', b.colors, 'font', b.font, 'login_text', b.login_text,
            'footer_text', b.footer_text, 'legal_links', b.legal_links, 'theme', b.theme)
          FROM white_label_brands b WHERE b.tenant_id = c.id),
        (SELECT coalesce(jsonb_object_agg(a.kind, jsonb_build_object('id', a.id, 'sha256', a.sha256)), '{}'::jsonb)
          FROM white_label_assets a WHERE a.tenant_id = c.id)
      FROM chain c ORDER BY c.depth
    $$`);
  await knex.raw(`
    CREATE FUNCTION white_label_asset(p_tenant uuid, p_id uuid)
    RETURNS TABLE(content_type text, data bytea, sha256 text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      WITH RECURSIVE chain(id, parent, depth) AS (
        SELECT t.id, t.parent_tenant_id, 0 FROM tenants t WHERE t.id = p_tenant
        UNION ALL
        SELECT t.id, t.parent_tenant_id, c.depth + 1 FROM tenants t JOIN chain c ON t.id = c.parent WHERE c.depth < 20
      )
      SELECT a.content_type, a.data, a.sha256 FROM white_label_assets a WHERE a.id = p_id AND a.tenant_id IN (SELECT id FROM chain)
    $$`);
  await knex.raw(`REVOKE ALL ON FUNCTION white_label_chain(uuid) FROM PUBLIC`);
  await knex.raw(`REVOKE ALL ON FUNCTION white_label_asset(uuid, uuid) FROM PUBLIC`);
  await knex.raw(`GRANT EXECUTE ON FUNCTION white_label_chain(uuid) TO ${APP_ROLE}`);
  await knex.raw(`GRANT EXECUTE ON FUNCTION white_label_asset(uuid, uuid) TO ${APP_ROLE}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS white_label_asset(uuid, uuid)');
  await knex.raw('DROP FUNCTION IF EXISTS white_label_chain(uuid)');
  await dropTenantTable(knex, 'white_label_assets');
  await dropTenantTable(knex, 'white_label_brands');
}
