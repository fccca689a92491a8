import assert from 'node:assert/strict';
import { InFlight, type Slot } from '../../src/webhooks/in-flight.ts';

const slot = (id: string, webhookId: string, tenantId: string): Slot => ({ id, webhookId, tenantId });

/** Many rows of tenant A (two endpoints) found before B's and C's. */
const candidates = [
  ...Array.from({ length: 6 }, (_, i) => slot(`a${i}`, i % 2 ? 'a-hook-1' : 'a-hook-2', 'A')),
  slot('b0', 'b-hook', 'B'),
  slot('b1', 'b-hook', 'B'),
  slot('b2', 'b-hook', 'B'),
  slot('c0', 'c-hook', 'C'),
];

describe('webhook slots: limits overall, per endpoint and per tenant, spread across tenants', () => {
  it('takes one per tenant per round, whatever order the rows were found in', () => {
    const slots = new InFlight({ concurrency: 3, perEndpoint: 2, perTenant: 4 });
    assert.deepEqual(slots.pick(candidates).map((c) => c.id), ['a0', 'b0', 'c0']);
  });

  it('never more than perEndpoint to one endpoint, nor perTenant for one tenant, counting those in flight', () => {
    const slots = new InFlight({ concurrency: 16, perEndpoint: 2, perTenant: 3 });
    slots.add(slot('x', 'b-hook', 'B'));
    const picked = slots.pick(candidates).map((c) => c.id);
    // A: 3 (its cap) over two endpoints; B: one more on its endpoint (2 with the one in flight); C: 1.
    assert.deepEqual(picked, ['a0', 'b0', 'c0', 'a1', 'a2']);
  });

  it('gives a slot back when a delivery ends, and knows which endpoints and tenants are full', () => {
    const slots = new InFlight({ concurrency: 2, perEndpoint: 1, perTenant: 2 });
    const taken = slots.pick(candidates);
    for (const t of taken) slots.add(t);
    assert.equal(slots.free, 0);
    assert.deepEqual(slots.pick(candidates), []);
    assert.deepEqual(slots.full(), { hooks: ['a-hook-2', 'b-hook'], tenants: [] });
    slots.delete(taken[0]!);
    assert.equal(slots.free, 1);
    assert.deepEqual(slots.full(), { hooks: ['b-hook'], tenants: [] });
  });
});
