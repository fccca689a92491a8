import { DnsProviderError, definePlugin, extensionPoints, type DnsProvider, type DnsRecordSet, type DnsRecordType, type PluginContext } from '@mpanel/sdk';

/** An in-memory authoritative DNS host for the tests: every call is logged; `down` and `refuse` fake outages and 422s. */
export class MemoryDns {
  zones = new Map<string, Map<string, DnsRecordSet>>();
  calls: Array<{ op: string; zone: string; name?: string; type?: DnsRecordType; values?: string[] }> = [];
  down = false;
  /** A record the provider refuses (PowerDNS 422), by `name type`. */
  refuse: { name: string; type: DnsRecordType; message: string } | null = null;
  signed = new Set<string>();

  reset(): void {
    this.zones.clear();
    this.calls = [];
    this.down = false;
    this.refuse = null;
    this.signed.clear();
  }

  private guard(): void {
    if (this.down) throw new DnsProviderError('connect ECONNREFUSED 127.0.0.1:8089', 'UNAVAILABLE');
  }

  private zone(name: string): Map<string, DnsRecordSet> {
    const z = this.zones.get(name);
    if (!z) throw new DnsProviderError(`zone ${name} not found`, 'NOT_FOUND');
    return z;
  }

  /** The values of `name type` as published (undefined when absent). */
  values(zone: string, name: string, type: DnsRecordType): string[] | undefined {
    return this.zones.get(`${zone}.`)?.get(`${name}. ${type}`)?.values;
  }

  provider(): DnsProvider {
    return {
      displayName: 'Memory DNS',
      listZones: async () => [...this.zones.keys()].map((name) => ({ name })),
      createZone: async (_ctx, zone, nameservers) => {
        this.guard();
        this.calls.push({ op: 'createZone', zone });
        if (!this.zones.has(zone)) this.zones.set(zone, new Map());
        return { name: zone, id: zone, nameservers };
      },
      deleteZone: async (_ctx, zone) => {
        this.guard();
        this.calls.push({ op: 'deleteZone', zone });
        this.zones.delete(zone);
      },
      listRecords: async (_ctx, zone) => [...this.zone(zone).values()],
      upsertRecordSet: async (_ctx, zone, set) => {
        this.guard();
        if (this.refuse && `${this.refuse.name} ${this.refuse.type}` === `${set.name} ${set.type}`) {
          throw new DnsProviderError(this.refuse.message, 'INVALID', { name: set.name, type: set.type });
        }
        if (!set.name.endsWith(zone)) throw new DnsProviderError('Name is out of zone', 'INVALID', { name: set.name, type: set.type });
        this.calls.push({ op: 'upsert', zone, name: set.name, type: set.type, values: [...set.values] });
        this.zone(zone).set(`${set.name} ${set.type}`, { ...set, values: [...set.values] });
      },
      deleteRecordSet: async (_ctx, zone, name, type) => {
        this.guard();
        this.calls.push({ op: 'delete', zone, name, type });
        this.zone(zone).delete(`${name} ${type}`);
      },
      testConnection: async () => ({ ok: !this.down }),
      dnssec: {
        enable: async (_ctx, zone) => {
          this.guard();
          this.signed.add(zone);
          return { enabled: true, ds: [`${zone} IN DS 12345 13 2 ABCDEF0123456789`] };
        },
        disable: async (_ctx, zone) => {
          this.guard();
          this.signed.delete(zone);
        },
        status: async (_ctx, zone) => (this.signed.has(zone) ? { enabled: true, ds: [`${zone} IN DS 12345 13 2 ABCDEF0123456789`] } : { enabled: false, ds: [] }),
      },
    };
  }
}

export const memoryDns = new MemoryDns();

/** A test-only plugin providing the in-memory host as the DnsProvider `memory`. */
export const memoryDnsPlugin = definePlugin({
  manifest: { id: 'dns-memory', name: 'In-memory DNS', version: '1.0.0', engines: { mpanel: '>=0.1.0' } },
  register(ctx) {
    ctx.extensions.provide(extensionPoints.dns, 'memory', memoryDns.provider());
  },
});

/** A test-only plugin that uses the `dns.zones` service as hosting and ssl do (its context is kept for the tests). */
export const consumer: { ctx: PluginContext | null } = { ctx: null };
export const dnsConsumerPlugin = definePlugin({
  manifest: {
    id: 'dns-consumer', name: 'DNS service consumer', version: '1.0.0', engines: { mpanel: '>=0.1.0' },
    dependencies: { dns: '>=0.1.0' }, requires: { services: ['dns.zones'] },
  },
  register(ctx) {
    consumer.ctx = ctx;
  },
});
