import assert from 'node:assert/strict';
import type { StripePlugin } from '../src/context.ts';
import { SettingsCache } from '../src/settings-cache.ts';

describe('gateway-stripe: settings cache', () => {
  function pluginReading(values: Array<Record<string, string> | Error>) {
    const reads: string[] = [];
    const plugin = {
      settings: {
        get: async (tenantId: string) => {
          reads.push(tenantId);
          const next = values.shift()!;
          if (next instanceof Error) throw next;
          return next;
        },
      },
    } as unknown as StripePlugin;
    return { plugin, reads };
  }

  it('reads a tenant once per 5 s, per tenant, and again after clear()', async () => {
    let now = 0;
    const { plugin, reads } = pluginReading([{ webhookSecret: 'whsec_1' }, { webhookSecret: 'whsec_b' }, { webhookSecret: 'whsec_2' }, { webhookSecret: 'whsec_3' }]);
    const cache = new SettingsCache(plugin, () => now);
    assert.equal((await cache.get('a')).webhookSecret, 'whsec_1');
    now = 4_999;
    assert.equal((await cache.get('a')).webhookSecret, 'whsec_1');
    assert.equal((await cache.get('b')).webhookSecret, 'whsec_b');
    now = 5_000;
    assert.equal((await cache.get('a')).webhookSecret, 'whsec_2');
    cache.clear();
    assert.equal((await cache.get('a')).webhookSecret, 'whsec_3');
    assert.deepEqual(reads, ['a', 'b', 'a', 'a']);
  });

  it('does not keep a failed read', async () => {
    const { plugin, reads } = pluginReading([new Error('db down'), { webhookSecret: 'whsec_ok' }]);
    const cache = new SettingsCache(plugin, () => 0);
    await assert.rejects(cache.get('a'), /db down/);
    assert.equal((await cache.get('a')).webhookSecret, 'whsec_ok');
    assert.deepEqual(reads, ['a', 'a']);
  });
});
