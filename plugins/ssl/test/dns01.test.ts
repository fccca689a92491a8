import assert from 'node:assert/strict';
import type { DnsRecordType, DnsZones, DnsZonesService, PluginContext } from '@mpanel/sdk';
import { dnsSolver, preflightDns } from '../src/certificates.ts';
import { PreflightError } from '../src/names.ts';

/**
 * dns-01 against a stub DnsZonesService (the `dns` plugin's contract, sdk/src/extension-points/dns.ts):
 * one TXT value per authorization on `_acme-challenge.<name>.`, added and removed additively, and
 * published (publishNow) before the CA is told to look; the pre-flight refuses zones not hosted here.
 */
class StubDns implements DnsZonesService {
  zones = ['example.test', 'sub.example.test'];
  rrsets = new Map<string, string[]>();
  published: Array<{ zone: string; snapshot: Record<string, string[]> }> = [];
  private lock: Promise<void> = Promise.resolve();

  forTenant(): DnsZones {
    const find = async (name: string) => {
      const n = name.replace(/\.$/, '');
      const zone = this.zones.filter((z) => n === z || n.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];
      return zone ? { id: zone, name: zone } : null;
    };
    // Serialised like the dns plugin's per-zone row lock: a read-modify-write that would lose a value without it.
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = this.lock.then(fn);
      this.lock = run.then(() => undefined, () => undefined);
      return run;
    };
    return {
      findZoneFor: find,
      ensureZone: async () => { throw new Error('not used'); },
      removeZonesOwnedBy: async () => 0,
      addValue: (input: { name: string; type: DnsRecordType; value: string }) => serial(async () => {
        const key = `${input.name} ${input.type}`;
        const values = [...(this.rrsets.get(key) ?? [])];
        await new Promise((r) => setTimeout(r, 5));
        if (!values.includes(input.value)) values.push(input.value);
        this.rrsets.set(key, values);
      }),
      removeValue: (input: { name: string; type: DnsRecordType; value: string }) => serial(async () => {
        const key = `${input.name} ${input.type}`;
        const values = (this.rrsets.get(key) ?? []).filter((v) => v !== input.value);
        if (values.length) this.rrsets.set(key, values);
        else this.rrsets.delete(key);
      }),
    };
  }

  async publishNow(_tenantId: string, zone: string): Promise<void> {
    this.published.push({ zone, snapshot: Object.fromEntries([...this.rrsets].map(([k, v]) => [k, [...v]])) });
  }
}

function pluginWith(dns: DnsZonesService | undefined): PluginContext {
  return {
    db: { transaction: <R>(_t: string, fn: (trx: never) => Promise<R>) => fn({} as never) },
    services: { tryResolve: (ref: { id: string }) => (ref.id === 'dns.zones' ? dns : undefined) },
  } as unknown as PluginContext;
}

describe('ssl dns-01 against a stub DnsZonesService', () => {
  it('puts two concurrent TXT values on one _acme-challenge name (apex + wildcard), each published before it resolves, and removes only its own', async () => {
    const dns = new StubDns();
    const solver = dnsSolver(pluginWith(dns), 'tenant-1');
    const key = '_acme-challenge.example.test. TXT';
    // example.test and *.example.test: both authorizations validate "example.test".
    await Promise.all([
      solver.create({ name: 'example.test', token: 't1', value: 'digest-apex' }).then(() => {
        assert.ok(dns.published.some((p) => p.zone === 'example.test' && p.snapshot[key]?.includes('"digest-apex"')), 'published before the CA is asked');
      }),
      solver.create({ name: 'example.test', token: 't2', value: 'digest-wild' }).then(() => {
        assert.ok(dns.published.some((p) => p.snapshot[key]?.includes('"digest-wild"')));
      }),
    ]);
    assert.deepEqual([...dns.rrsets.get(key)!].sort(), ['"digest-apex"', '"digest-wild"'], 'both values, quoted as zone-file TXT');
    await solver.remove({ name: 'example.test', token: 't1', value: 'digest-apex' });
    assert.deepEqual(dns.rrsets.get(key), ['"digest-wild"'], 'the other authorization\'s value stays');
    await solver.remove({ name: 'example.test', token: 't2', value: 'digest-wild' });
    assert.equal(dns.rrsets.has(key), false, 'an empty set is gone');
    assert.equal(dns.published.at(-1)!.zone, 'example.test');
  });

  it('uses the longest hosted zone and names the record under the validated name', async () => {
    const dns = new StubDns();
    await dnsSolver(pluginWith(dns), 't').create({ name: 'www.sub.example.test', token: 'x', value: 'v' });
    assert.deepEqual([...dns.rrsets.keys()], ['_acme-challenge.www.sub.example.test. TXT']);
    assert.equal(dns.published[0]!.zone, 'sub.example.test');
  });

  it('pre-flight: every zone must be hosted here; without a DNS plugin dns-01 is refused before the CA', async () => {
    const dns = new StubDns();
    await preflightDns(pluginWith(dns), 't', ['example.test', '*.example.test', 'a.sub.example.test']);
    await assert.rejects(preflightDns(pluginWith(dns), 't', ['example.test', '*.elsewhere.test']), (err: Error) =>
      err instanceof PreflightError && /zone of elsewhere\.test is not hosted here.*The CA was not asked/.test(err.message));
    await assert.rejects(preflightDns(pluginWith(undefined), 't', ['*.example.test']), /no DNS plugin is active/);
    assert.throws(() => dnsSolver(pluginWith(undefined), 't'), /no DNS plugin is active/);
    await assert.rejects(dnsSolver(pluginWith(dns), 't').create({ name: 'other.test', token: 'x', value: 'v' }), /not hosted here/);
    assert.equal(dns.rrsets.size, 0, 'nothing written for a zone that is not ours');
  });
});
