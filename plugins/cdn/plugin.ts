import { definePlugin } from '@mpanel/sdk';
import { manifest, type CdnSettings } from './src/manifest.ts';
import { cdnRoutes } from './src/routes.ts';
import { followWebsiteRemovals } from './src/cleanup.ts';

/**
 * CDN: puts hosting websites behind a CDN provider (`extensionPoints.cdn`, e.g. `cloudflare` from
 * the cdn-cloudflare plugin), and keeps each website's CDN state: status, cache settings, last
 * purge and last error. Websites are read through the hosting plugin's API as the caller.
 */
export default definePlugin<CdnSettings>({
  manifest,
  register(ctx) {
    for (const route of cdnRoutes(ctx)) ctx.routes.add(route);
    followWebsiteRemovals(ctx);
  },
});
