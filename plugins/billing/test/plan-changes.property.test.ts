import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConflictError, ValidationError } from '@mpanel/sdk';
import { BillingHarness } from './support/harness.ts';
import { client, order, product } from './support/fixtures.ts';
import { recordPayment } from '../src/services/payments.ts';
import { creditBalance } from '../src/services/clients.ts';
import { cancelService, upgradeService } from '../src/services/services.ts';
import { addDays } from '../src/domain/dates.ts';
import { int } from '../src/db.ts';

type Op =
  | { kind: 'change'; plan: number; days: number }
  | { kind: 'pay'; which: number; half: boolean; days: number }
  | { kind: 'cancel'; type: 'immediate' | 'end_of_period'; days: number };

const days = fc.integer({ min: 0, max: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('change' as const), plan: fc.integer({ min: 0, max: 3 }), days }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), which: fc.nat(), half: fc.boolean(), days }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), type: fc.constantFrom('immediate' as const, 'end_of_period' as const), days }) },
);

/**
 * Plan changes cannot mint money: whatever a portal client does — upgrades, downgrades, paying
 * some invoices (in full or in part), cancelling — its spendable credit never exceeds the money
 * it paid. The real services run against the database, one request-like transaction per step.
 */
describe('billing: plan changes never give more credit than money received (property)', function () {
  this.timeout(300_000);
  let h: BillingHarness;
  before(async () => { h = await new BillingHarness().start(); });
  after(async () => { await h.stop(); });

  it('holds for random sequences of upgrades, downgrades, payments and cancellations', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
      const t = await h.tenant();
      const c = await client(h, t);
      const plans: Array<{ id: string }> = [];
      for (const amount of [100, 1000, 3000, 10_000]) plans.push(await product(h, t, { name: `Plan ${amount}`, pricing: [{ currency: 'USD', cycle: 'monthly', amount }] }));
      let today = '2026-04-01';
      const placed = await order(h, t, { clientId: c.id, items: [{ productId: plans[1]!.id, cycle: 'monthly' }] }, today);
      let received = 0;
      const pay = async (invoiceId: string, amount: number) => {
        await h.as(t, null, (b) => recordPayment(b, { invoiceId, amount, gateway: 'manual', transactionId: `m-${received}-${invoiceId}` }), today);
        received += amount;
      };
      await pay(placed.invoice.id, placed.invoice.total);
      const serviceId = placed.services[0]!.id;
      const portal = h.clientUser(t, c.id);

      for (const op of ops) {
        today = [addDays(today, op.days), '2026-04-30'].sort()[0]!;
        try {
          if (op.kind === 'change') {
            await h.as(t, portal, (b) => upgradeService(b, serviceId, { productId: plans[op.plan]!.id, cycle: 'monthly' }), today);
          } else if (op.kind === 'cancel') {
            await h.as(t, portal, (b) => cancelService(b, serviceId, op.type), today);
          } else {
            const open = (await h.knex('invoices').where({ tenant_id: t, client_id: c.id, status: 'unpaid', kind: 'invoice' }).orderBy('created_at')) as Array<Record<string, unknown>>;
            const invoice = open[op.which % Math.max(open.length, 1)];
            if (invoice) {
              const due = int(invoice.total) - int(invoice.amount_paid);
              await pay(invoice.id as string, op.half ? Math.ceil(due / 2) : due);
            }
          }
        } catch (err) {
          // Refusals (a cancelled service, a partly paid pending change) are fine outcomes; anything else is a bug.
          if (!(err instanceof ConflictError || err instanceof ValidationError)) throw err;
        }
        const balance = await h.as(t, null, (b) => creditBalance(b, c.id), today);
        assert.ok(balance <= received, `credit ${balance} > money received ${received} after ${JSON.stringify(op)}`);
      }
    }), { numRuns: 30 });
  });
});
