/**
 * Exponential smoothing forecasts with a prediction interval, in plain arithmetic so the numbers
 * can be explained: Holt-Winters (additive trend and seasonality) when the history holds at least
 * two full seasons, otherwise Holt's linear trend, otherwise the mean. Smoothing constants are
 * chosen by a grid search minimising the one-step-ahead squared error; the interval is the
 * residual standard error of those one-step errors, widened per step ahead by the model's
 * error propagation (Hyndman & Athanasopoulos, "Forecasting: principles and practice", §8.7).
 */

export type SmoothingMethod = 'holt-winters-additive' | 'holt-linear' | 'mean';

export interface ForecastPoint { step: number; value: number; lower: number; upper: number }

export interface SmoothingForecast {
  method: SmoothingMethod;
  dataPoints: number;
  seasonLength: number | null;
  /** Smoothing constants picked by the grid search (alpha: level, beta: trend, gamma: season). */
  params: { alpha?: number; beta?: number; gamma?: number };
  /** Standard error of the one-step-ahead errors over the history. */
  residualSe: number;
  confidence: number;
  forecast: ForecastPoint[];
}

export interface SmoothingOptions {
  /** Steps to forecast. */
  horizon: number;
  /** Season length in steps (12 for months of a year); 0 turns seasonality off. */
  seasonLength?: number;
  /** 0.8, 0.9, 0.95 or 0.99. */
  confidence?: number;
}

const Z: Record<string, number> = { '0.8': 1.2816, '0.9': 1.6449, '0.95': 1.96, '0.99': 2.5758 };
const GRID = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const TREND_GRID = [0.01, 0.05, 0.1, 0.2, 0.3, 0.5];

export function zFor(confidence: number): number {
  const z = Z[String(confidence)];
  if (z === undefined) throw new RangeError(`unsupported confidence ${confidence}`);
  return z;
}

interface Fit { sse: number; errors: number; level: number; trend: number; season: number[] }

/** One pass of Holt-Winters additive; `m` = 0 is Holt's linear trend. */
function run(y: number[], m: number, alpha: number, beta: number, gamma: number): Fit {
  let level: number;
  let trend: number;
  let season: number[] = [];
  let start: number;
  if (m > 0) {
    // Classical start: the trend from the first two seasons' means, the season as each month's
    // distance from that trend line (not from the flat mean, which would fold the trend into it).
    const first = mean(y.slice(0, m));
    trend = (mean(y.slice(m, 2 * m)) - first) / m;
    const centre = (m - 1) / 2;
    level = first + trend * centre;
    season = y.slice(0, m).map((v, i) => v - (first + trend * (i - centre)));
    start = m;
  } else {
    level = y[0]!;
    trend = y[1]! - y[0]!;
    start = 1;
  }
  let sse = 0;
  let errors = 0;
  for (let t = start; t < y.length; t++) {
    const s = m > 0 ? season[t % m]! : 0;
    const predicted = level + trend + s;
    const err = y[t]! - predicted;
    sse += err * err;
    errors++;
    const prevLevel = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
    if (m > 0) season[t % m] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  return { sse, errors, level, trend, season: m > 0 ? rotate(season, y.length % m) : [] };
}

/** Seasonal indices reordered so index 0 is the step right after the history. */
function rotate(season: number[], offset: number): number[] {
  return season.map((_, i) => season[(i + offset) % season.length]!);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function intervalOf(value: number, se: number, z: number, step: number): ForecastPoint {
  return { step, value, lower: value - z * se, upper: value + z * se };
}

/** The forecast for `history` (evenly spaced, oldest first). */
export function smoothingForecast(history: number[], options: SmoothingOptions): SmoothingForecast {
  const horizon = options.horizon;
  const confidence = options.confidence ?? 0.95;
  const z = zFor(confidence);
  const m = options.seasonLength ?? 12;
  const y = history.filter((v) => Number.isFinite(v));
  if (y.length < 3) {
    const level = y.length ? mean(y) : 0;
    const se = y.length > 1 ? Math.sqrt(y.reduce((a, v) => a + (v - level) ** 2, 0) / (y.length - 1)) : 0;
    return {
      method: 'mean', dataPoints: y.length, seasonLength: null, params: {}, residualSe: se, confidence,
      forecast: Array.from({ length: horizon }, (_, i) => intervalOf(level, se * Math.sqrt(1 + 1 / Math.max(1, y.length)), z, i + 1)),
    };
  }
  const seasonal = m > 1 && y.length >= 2 * m;
  let best: { fit: Fit; alpha: number; beta: number; gamma: number } | undefined;
  for (const alpha of GRID) {
    for (const beta of TREND_GRID) {
      for (const gamma of seasonal ? GRID : [0]) {
        const fit = run(y, seasonal ? m : 0, alpha, beta, gamma);
        if (!best || fit.sse < best.fit.sse) best = { fit, alpha, beta, gamma };
      }
    }
  }
  const { fit, alpha, beta, gamma } = best!;
  // Parameters estimated: alpha, beta (+ gamma) and the initial states; at least one degree of freedom left.
  const estimated = seasonal ? 3 : 2;
  const residualSe = Math.sqrt(fit.sse / Math.max(1, fit.errors - estimated));
  const forecast: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    // Variance of the h-step error: sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha(1 + j beta) + gamma(1 - alpha)[j is a whole season].
    let sum = 0;
    for (let j = 1; j < h; j++) {
      const c = alpha * (1 + j * beta) + (seasonal && j % m === 0 ? gamma * (1 - alpha) : 0);
      sum += c * c;
    }
    const value = fit.level + h * fit.trend + (seasonal ? fit.season[(h - 1) % m]! : 0);
    forecast.push(intervalOf(value, residualSe * Math.sqrt(1 + sum), z, h));
  }
  return {
    method: seasonal ? 'holt-winters-additive' : 'holt-linear', dataPoints: y.length, seasonLength: seasonal ? m : null,
    params: seasonal ? { alpha, beta, gamma } : { alpha, beta }, residualSe, confidence, forecast,
  };
}
