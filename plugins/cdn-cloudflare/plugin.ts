import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { cloudflareProvider } from './src/provider.ts';
import { settingsSchema, type CloudflareSettings } from './src/settings.ts';

/**
 * Cloudflare as a CDN provider (`extensionPoints.cdn`, key `cloudflare`), through the official
 * `cloudflare` SDK: a site is a proxied DNS record in the tenant's Cloudflare zone (the zone is
 * created when the account has none for the domain); purge by URL, prefix or everything; cache
 * settings are the zone's settings. Rate limits and outages are retried by the SDK with backoff
 * (Retry-After honoured) `maxRetries` times, then reported as `CdnProviderError`s.
 */
export default definePlugin<CloudflareSettings>({
  manifest: {
    id: 'cdn-cloudflare',
    name: 'Cloudflare CDN',
    version: '0.1.0',
    description: 'Cloudflare as the CDN of hosting websites: proxied DNS records, cache settings and purges',
    category: 'cdn',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    resources: ['cloudflare'],
    settings: settingsSchema,
    entry: { server: 'plugin.ts' },
  },
  register(ctx) {
    ctx.extensions.provide(extensionPoints.cdn, 'cloudflare', cloudflareProvider(ctx));
  },
});
