import { fitLogistic, type LogisticModel } from './logistic.ts';

/**
 * The churn model: which signals count and their default weights (log-odds per unit).
 *
 * Fitted on the tenant's history: the payment behaviour signals, which a client who left had
 * before leaving just like one who stays. Kept at their defaults: the signals that a client who
 * already left has by construction (an open cancellation request, suspended services, a spend that
 * fell to nothing), which would otherwise teach the model that leaving predicts leaving.
 */
export const FITTED_FACTORS = ['overdueInvoices', 'latePayments', 'paymentDisputes', 'failedPayments', 'negativeTickets', 'downgrades'] as const;
export const FIXED_FACTORS = ['cancellationRequested', 'suspendedServices', 'spendDecline'] as const;
export type ChurnFactor = (typeof FITTED_FACTORS)[number] | (typeof FIXED_FACTORS)[number];

export const CHURN_PRIOR: { weights: Record<ChurnFactor, number>; bias: number } = {
  weights: {
    overdueInvoices: 0.9, latePayments: 0.3, paymentDisputes: 1.2, failedPayments: 0.6, negativeTickets: 0.5, downgrades: 0.7,
    cancellationRequested: 2.5, suspendedServices: 1.0, spendDecline: 1.5,
  },
  // About 5 % for a client with no signal at all.
  bias: -3,
};

/** Fits the payment signals on the tenant's clients (y = 1: left), keeps the fixed ones. */
export function churnModel(rows: Array<{ x: Record<string, number>; y: 0 | 1 }>): LogisticModel {
  const prior = Object.fromEntries(FITTED_FACTORS.map((f) => [f, CHURN_PRIOR.weights[f]]));
  const fit = fitLogistic(rows.map((r) => ({ x: Object.fromEntries(FITTED_FACTORS.map((f) => [f, r.x[f] ?? 0])), y: r.y })), {
    priorWeights: prior, priorBias: CHURN_PRIOR.bias, priorStrength: 2, minPerClass: 5,
  });
  const fixed = Object.fromEntries(FIXED_FACTORS.map((f) => [f, CHURN_PRIOR.weights[f]]));
  return { ...fit, weights: { ...fit.weights, ...fixed } };
}
