import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

const VISIBILITY = `('public','clients','staff')`;

/**
 * Knowledge base and announcements. Articles keep their Markdown and the sanitised HTML made from
 * it on save; `search` is a generated tsvector (title weighted over body) with a GIN index, so
 * full-text search and its ranking run in PostgreSQL (and PGlite) with no second store to sync.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'kb_categories', (t) => {
    t.text('name').notNullable();
    t.text('slug').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.integer('position').notNullable().defaultTo(0);
    t.text('visibility').notNullable().defaultTo('public');
    t.unique(['tenant_id', 'slug']);
  });
  await knex.raw(`ALTER TABLE kb_categories ADD CONSTRAINT kb_categories_visibility_check CHECK (visibility IN ${VISIBILITY})`);

  await createTenantTable(knex, 'kb_articles', (t) => {
    t.uuid('category_id').references('id').inTable('kb_categories').onDelete('SET NULL').index('kb_articles_category_idx');
    t.uuid('author_id').references('id').inTable('users').onDelete('SET NULL').index('kb_articles_author_idx');
    t.text('title').notNullable();
    t.text('slug').notNullable();
    t.text('body_md').notNullable();
    t.text('body_html').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.text('visibility').notNullable().defaultTo('public');
    t.timestamp('published_at', { useTz: true });
    t.unique(['tenant_id', 'slug']);
  });
  await knex.raw(`ALTER TABLE kb_articles ADD CONSTRAINT kb_articles_visibility_check CHECK (visibility IN ${VISIBILITY})`);
  await knex.raw(`ALTER TABLE kb_articles ADD CONSTRAINT kb_articles_status_check CHECK (status IN ('draft','published'))`);
  await knex.raw(`ALTER TABLE kb_articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body_md), 'B')) STORED`);
  await knex.raw('CREATE INDEX kb_articles_search_idx ON kb_articles USING GIN (search)');
  await knex.raw('CREATE INDEX kb_articles_listing_idx ON kb_articles (tenant_id, status, published_at DESC)');

  // One vote per signed-in user and article (changing one's mind updates it).
  await createTenantTable(knex, 'kb_article_votes', (t) => {
    t.uuid('article_id').notNullable().references('id').inTable('kb_articles').onDelete('CASCADE').index('kb_article_votes_article_idx');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE').index('kb_article_votes_user_idx');
    t.boolean('helpful').notNullable();
    t.unique(['tenant_id', 'article_id', 'user_id']);
  });

  await createTenantTable(knex, 'announcements', (t) => {
    t.uuid('author_id').references('id').inTable('users').onDelete('SET NULL').index('announcements_author_idx');
    t.text('title').notNullable();
    t.text('body_md').notNullable();
    t.text('body_html').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.text('visibility').notNullable().defaultTo('public');
    t.timestamp('publish_at', { useTz: true });
    t.boolean('mail_clients').notNullable().defaultTo(false);
    t.timestamp('mailed_at', { useTz: true });
    t.index(['tenant_id', 'status', 'publish_at'], 'announcements_listing_idx');
  });
  await knex.raw(`ALTER TABLE announcements ADD CONSTRAINT announcements_visibility_check CHECK (visibility IN ${VISIBILITY})`);
  await knex.raw(`ALTER TABLE announcements ADD CONSTRAINT announcements_status_check CHECK (status IN ('draft','published'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['announcements', 'kb_article_votes', 'kb_articles', 'kb_categories']) await knex.schema.dropTableIfExists(table);
}
