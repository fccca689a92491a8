import assert from 'node:assert/strict';
import { fitLogistic, scoreWith } from '../../src/forecasts/logistic.ts';
import { CHURN_PRIOR, churnModel } from '../../src/forecasts/churn-model.ts';
import { rng } from './generated.ts';

/** Clients whose churn follows known signals: overdue invoices and downgrades raise it, nothing else. */
function history(n: number, seed: number) {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const overdueInvoices = Math.floor(r() * 4);
    const downgrades = r() < 0.3 ? 1 : 0;
    const latePayments = Math.floor(r() * 3);
    const risk = -3 + 1.4 * overdueInvoices + 1.5 * downgrades;
    return { x: { overdueInvoices, downgrades, latePayments }, y: (r() < 1 / (1 + Math.exp(-risk)) ? 1 : 0) as 0 | 1 };
  });
}

describe('forecasts: churn scoring', () => {
  it('ranks every risky client above every safe one (fitted on the tenant\'s own history)', () => {
    const model = churnModel(history(400, 11).map((r) => ({ x: { ...zero(), ...r.x }, y: r.y })));
    assert.equal(model.fitted, true);
    const risky: Array<Record<string, number>> = [{ overdueInvoices: 3, downgrades: 1 }, { overdueInvoices: 2, downgrades: 1, cancellationRequested: 1 }, { overdueInvoices: 3 }];
    const safe: Array<Record<string, number>> = [{}, { latePayments: 1 }, { overdueInvoices: 0, latePayments: 0 }];
    const low = Math.min(...risky.map((x) => scoreWith(model, { ...zero(), ...x }).probability));
    const high = Math.max(...safe.map((x) => scoreWith(model, { ...zero(), ...x }).probability));
    assert.ok(low > high, `lowest risky ${low.toFixed(3)} ≤ highest safe ${high.toFixed(3)}`);
    assert.ok(model.weights.overdueInvoices! > model.weights.latePayments!, 'the fit learnt which signal matters');
  });

  it('with too little history it uses the default weights, which still rank risky above safe, and says so', () => {
    const model = churnModel(history(6, 2).map((r) => ({ x: { ...zero(), ...r.x }, y: r.y })));
    assert.equal(model.fitted, false);
    assert.deepEqual(model.weights, CHURN_PRIOR.weights);
    const risky = scoreWith(model, { ...zero(), overdueInvoices: 2, cancellationRequested: 1, spendDecline: 1 });
    const safe = scoreWith(model, zero());
    assert.ok(risky.probability > safe.probability);
    assert.deepEqual(risky.factors.map((f) => f.factor).sort(), ['cancellationRequested', 'overdueInvoices', 'spendDecline']);
    assert.ok(risky.factors[0]!.contribution >= risky.factors[1]!.contribution, 'largest push first');
    assert.deepEqual(safe.factors, []);
  });

  it('plain logistic regression: the fit recovers the sign of the true weights', () => {
    const m = fitLogistic(history(600, 5), { priorWeights: { overdueInvoices: 0, downgrades: 0, latePayments: 0 }, priorBias: 0, priorStrength: 0.01, iterations: 2000, learningRate: 0.3 });
    assert.ok(m.weights.overdueInvoices! > 0.8 && m.weights.downgrades! > 0.8, JSON.stringify(m.weights));
    assert.ok(Math.abs(m.weights.latePayments!) < 0.5, JSON.stringify(m.weights));
  });

  it('stays finite on extreme histories (every client with ten of everything, or all of them gone)', () => {
    const extreme = Array.from({ length: 50 }, (_, i) => ({ x: { ...zero(), overdueInvoices: 10, latePayments: 10, paymentDisputes: 10, downgrades: 10 }, y: (i % 2) as 0 | 1 }));
    const m = churnModel(extreme);
    assert.ok(Object.values(m.weights).every(Number.isFinite) && Number.isFinite(m.bias), JSON.stringify(m));
    const gone = churnModel(Array.from({ length: 50 }, () => ({ x: zero(), y: 1 as const })));
    assert.equal(gone.fitted, false, 'no client who stayed: nothing to learn from');
    const p = scoreWith(m, { ...zero(), overdueInvoices: 10, cancellationRequested: 1 }).probability;
    assert.ok(p >= 0 && p <= 1);
  });
});

function zero(): Record<string, number> {
  return Object.fromEntries(Object.keys(CHURN_PRIOR.weights).map((k) => [k, 0]));
}
