import { VetoError, definePlugin, extensionPoints } from '@mpanel/sdk';
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
    const provider = cloudflareProvider(ctx);
    ctx.extensions.provide(extensionPoints.cdn, 'cloudflare', provider);
    // A wrong token, account or API URL is refused when the settings are saved, not at the first enable.
    ctx.hooks.on<{ pluginId: string; tenantId: string; values: Partial<Record<keyof CloudflareSettings, unknown>> }>('pluginSettings.beforeUpdate', async (payload) => {
      if (payload.pluginId !== 'cdn-cloudflare') return;
      const { apiToken, apiBaseUrl, accountId } = payload.values;
      if ([apiToken, apiBaseUrl, accountId].every((v) => v === undefined || v === null)) return;
      const stored = await ctx.settings.get(payload.tenantId);
      const merged = { ...stored, ...Object.fromEntries(Object.entries(payload.values).filter(([, v]) => v !== undefined && v !== null)) } as Partial<CloudflareSettings>;
      if (!merged.apiToken) return;
      const result = await provider.testConnection({ tenantId: payload.tenantId, settings: merged });
      if (!result.ok) throw new VetoError('Cloudflare did not accept these settings', { apiToken: result.message ?? 'refused' }, 400);
    });
  },
});
