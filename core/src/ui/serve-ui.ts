import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Middleware } from 'koa';
import { pageCsp, type ExternalOrigins } from './csp.ts';
import { safeJoin, sendFile } from './static-files.ts';
import type { UiPluginCatalog } from './catalog.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Page {
  html: string;
  /** The page's CSP with these origins added (cached: the declared origins rarely change). */
  csp(origins: ExternalOrigins): string;
  mtimeMs: number;
}

/** Reads a built HTML page once (again when the file changes: a rebuild while running). */
function pageLoader(file: string): () => Promise<Page | undefined> {
  let cached: Page | undefined;
  return async () => {
    try {
      const { mtimeMs } = await stat(file);
      if (cached?.mtimeMs !== mtimeMs) {
        const html = await readFile(file, 'utf8');
        const csps = new Map<string, string>();
        const csp = (origins: ExternalOrigins) => {
          const key = JSON.stringify(origins);
          if (!csps.has(key)) csps.set(key, pageCsp(html, origins));
          return csps.get(key)!;
        };
        cached = { html, csp, mtimeMs };
      }
      return cached;
    } catch {
      return undefined;
    }
  };
}

export interface ServeUiOptions {
  dist: string;
  catalog: () => UiPluginCatalog;
}

/**
 * Serves the built UI after the API routes: `/admin/assets/*` (hashed, cached for a year),
 * plugin UI files at `/admin/plugin-ui/<id>/*` (from the plugin's own folder), and the single-page
 * apps — any other path under `/admin` or `/client` gets its `index.html` so the client-side
 * router can take it, with a per-page CSP that allows its import map and the origins plugins declare.
 */
export function serveUi(options: ServeUiOptions): Middleware {
  const admin = pageLoader(join(options.dist, 'index.html'));
  const portal = pageLoader(join(options.dist, 'client', 'index.html'));

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path;
    const area = /^\/admin(\/|$)/.test(path) ? 'admin' : /^\/client(\/|$)/.test(path) ? 'client' : path === '/' ? 'root' : undefined;
    if (!area) return next();
    if (area === 'root') return (await admin()) ? ctx.redirect('/admin/') : next();

    if (path.startsWith('/admin/assets/')) {
      if (await sendFile(ctx, safeJoin(join(options.dist, 'assets'), path.slice('/admin/assets/'.length)), IMMUTABLE)) return;
      return next(); // a missing asset is a 404, never the HTML page
    }
    const pluginFile = /^\/admin\/plugin-ui\/([a-z0-9-]+)\/(.+)$/.exec(path);
    if (pluginFile) {
      const root = await options.catalog().uiRoot(pluginFile[1]!);
      // Plugin files are not content-hashed: revalidate, the version query busts the cache.
      if (root && (await sendFile(ctx, safeJoin(root, pluginFile[2]!), 'no-cache'))) return;
      return next();
    }
    if (/\.[a-z0-9]+$/i.test(path)) return next(); // a file-looking path that does not exist

    const page = await (area === 'admin' ? admin() : portal());
    if (!page) return next();
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    // Plus what active plugins declared (their UI modules load provider scripts such as Stripe.js).
    ctx.set('Content-Security-Policy', page.csp(await options.catalog().externalOrigins()));
    ctx.body = page.html;
  };
}

export const uiRootOf = (directory: string, entry: string): string => dirname(join(directory, entry));
