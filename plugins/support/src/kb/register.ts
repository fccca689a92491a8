import type { PluginContext } from '@mpanel/sdk';
import { kbArticleRoutes } from './routes.ts';
import { kbCategoryRoutes } from './category-routes.ts';

/** The knowledge base: categories, articles, search and suggestions (signed in and public). */
export function registerKb(ctx: PluginContext): void {
  for (const routes of [kbCategoryRoutes, kbArticleRoutes]) for (const r of routes(ctx)) ctx.routes.add(r);
}
