import { definePlugin, dnsZonesRef } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { definePublishing } from './src/publish.ts';
import { recordRoutes } from './src/routes/records.ts';
import { publicationRoutes } from './src/routes/publication.ts';
import { templateRoutes } from './src/routes/templates.ts';
import { zoneRoutes } from './src/routes/zones.ts';
import { zonesService } from './src/service.ts';

/**
 * DNS: zones and record sets in mPanel's database, published to the tenant's DnsProvider by a
 * durable workflow (queued while the provider is down), and the `dns.zones` service other
 * plugins (hosting, ssl) use to add their records.
 */
export default definePlugin({
  manifest,
  register(ctx) {
    for (const routes of [zoneRoutes, recordRoutes, publicationRoutes, templateRoutes]) for (const r of routes(ctx)) ctx.routes.add(r);
    definePublishing(ctx);
    ctx.services.provide(dnsZonesRef, zonesService(ctx));
    ctx.retention.register({
      name: 'history', table: 'dns_zone_changes', ageColumn: 'created_at', defaultDays: 730, tenantSettable: true, minDays: 30, maxDays: 3650,
      description: 'DNS zone change history (who changed which record, before and after)',
    });
  },
});
