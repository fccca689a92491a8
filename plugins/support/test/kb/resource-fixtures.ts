import type { ResourceFixtures } from '@mpanel/sdk/testing';

type Context = Parameters<ResourceFixtures>[0];

/** A staff-only category, a draft article in it and a draft announcement: what no other tenant or client may reach. */
export async function kbFixtures({ request }: Context): Promise<Record<string, string>> {
  const category = await request<{ id: string }>('POST', '/api/v1/kb/categories', { name: 'Walked category', visibility: 'staff' });
  const article = await request<{ id: string }>('POST', '/api/v1/kb/articles', { title: 'Walked draft', body: 'draft body', categoryId: category.id });
  const announcement = await request<{ id: string }>('POST', '/api/v1/announcements', { title: 'Walked announcement', body: 'draft', status: 'draft' });
  return { categories: category.id, articles: article.id, announcements: announcement.id };
}
