import { fileURLToPath } from 'node:url';
import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { createPowerDnsProvider, type PowerDnsSettings } from './src/provider.ts';

/**
 * PowerDNS Authoritative (HOSTING.md §4.1): the `powerdns` DnsProvider publishes zones, record sets
 * and DNSSEC keys through the PowerDNS HTTP API. Zones, records, templates, permissions and the
 * publication queue are the dns plugin's (mPanel's database is the source of truth); this plugin
 * only speaks PowerDNS. The API host is checked with ctx.net (no internal addresses unless the
 * operator allows private targets).
 */
export default definePlugin<PowerDnsSettings>({
  directory: fileURLToPath(new URL('.', import.meta.url)),
  manifest: {
    id: 'dns-powerdns',
    name: 'PowerDNS',
    version: '0.1.0',
    description: 'Authoritative DNS on PowerDNS through its HTTP API: zones, record sets, DNSSEC with DS records',
    category: 'dns',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    entry: { server: 'plugin.ts' },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        apiUrl: { type: 'string', maxLength: 500, pattern: '^https?://', description: 'PowerDNS webserver URL, e.g. https://pdns.example.net:8081 (api=yes, webserver=yes in pdns.conf)' },
        serverId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$', default: 'localhost', description: 'PowerDNS server id (localhost unless the API fronts several servers)' },
        apiKey: { type: 'string', maxLength: 500, secret: true, description: 'The api-key from pdns.conf, sent as X-API-Key' },
        nameservers: {
          type: 'array',
          maxItems: 13,
          uniqueItems: true,
          items: { type: 'string', minLength: 3, maxLength: 253, pattern: '^([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.)+[A-Za-z]{2,63}\\.?$' },
          default: [],
          description: 'Nameservers of new zones (ns1.example.net.), unless the zone template names its own',
        },
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 120, default: 10, description: 'How long one PowerDNS API call may take' },
      },
    },
  },

  register(ctx) {
    ctx.extensions.provide(
      extensionPoints.dns,
      'powerdns',
      createPowerDnsProvider({ settingsOf: (tenantId) => ctx.settings.get(tenantId), guard: (host) => ctx.net.resolvePublic(host) }),
    );
  },
});
