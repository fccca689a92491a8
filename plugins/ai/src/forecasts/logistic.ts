/**
 * Logistic regression fit in process: maximum a posteriori weights with a Gaussian prior centred
 * on sensible default weights. With little history the prior dominates (the defaults are the
 * answer); with more history the tenant's own data moves the weights. Plain gradient descent on
 * a handful of features: fast enough for tens of thousands of clients.
 */

export interface LogisticModel {
  /** Feature name → weight (log-odds per unit of the feature). */
  weights: Record<string, number>;
  bias: number;
  /** Whether the weights came from the tenant's history or are the defaults. */
  fitted: boolean;
  examples: number;
  positives: number;
}

export interface LogisticOptions {
  priorWeights: Record<string, number>;
  priorBias: number;
  /** Precision of the prior (the L2 pull towards the defaults). */
  priorStrength?: number;
  /** Fewer positive or negative examples than this: keep the defaults. */
  minPerClass?: number;
  iterations?: number;
  learningRate?: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function fitLogistic(rows: Array<{ x: Record<string, number>; y: 0 | 1 }>, options: LogisticOptions): LogisticModel {
  const names = Object.keys(options.priorWeights);
  const positives = rows.filter((r) => r.y === 1).length;
  const minPerClass = options.minPerClass ?? 5;
  if (positives < minPerClass || rows.length - positives < minPerClass) {
    return { weights: { ...options.priorWeights }, bias: options.priorBias, fitted: false, examples: rows.length, positives };
  }
  const w = names.map((n) => options.priorWeights[n]!);
  const prior = [...w];
  let b = options.priorBias;
  const lambda = options.priorStrength ?? 1;
  const rate = options.learningRate ?? 0.1;
  const xs = rows.map((r) => names.map((n) => r.x[n] ?? 0));
  for (let it = 0; it < (options.iterations ?? 800); it++) {
    const grad = new Array<number>(names.length).fill(0);
    let gb = 0;
    for (let i = 0; i < rows.length; i++) {
      const x = xs[i]!;
      const p = sigmoid(b + x.reduce((a, v, k) => a + v * w[k]!, 0));
      const err = p - rows[i]!.y;
      for (let k = 0; k < names.length; k++) grad[k]! += err * x[k]!;
      gb += err;
    }
    for (let k = 0; k < names.length; k++) w[k] = w[k]! - rate * ((grad[k]! + lambda * (w[k]! - prior[k]!)) / rows.length);
    b -= rate * (gb / rows.length);
  }
  return { weights: Object.fromEntries(names.map((n, k) => [n, w[k]!])), bias: b, fitted: true, examples: rows.length, positives };
}

export interface Contribution { factor: string; value: number; weight: number; contribution: number }

/** Probability and the factors that pushed it, largest push first (only factors present). */
export function scoreWith(model: LogisticModel, x: Record<string, number>): { probability: number; factors: Contribution[] } {
  let logit = model.bias;
  const factors: Contribution[] = [];
  for (const [factor, weight] of Object.entries(model.weights)) {
    const value = x[factor] ?? 0;
    const contribution = value * weight;
    logit += contribution;
    if (value !== 0) factors.push({ factor, value, weight: round(weight), contribution: round(contribution) });
  }
  factors.sort((a, b) => b.contribution - a.contribution);
  return { probability: sigmoid(logit), factors };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
