import assert from 'node:assert/strict';
import { smoothingForecast } from '../../src/forecasts/smoothing.ts';
import { normal, rng, seasonalSeries } from './generated.ts';

describe('forecasts: exponential smoothing', () => {
  const opts = { base: 10_000, slope: 150, amplitude: 2_000, noise: 120, seed: 7 };

  it('with two seasons or more: Holt-Winters, and next year (noise included) lands inside its interval', () => {
    const { history, truth } = seasonalSeries(36, opts);
    const f = smoothingForecast(history, { horizon: 12, seasonLength: 12 });
    assert.equal(f.method, 'holt-winters-additive');
    assert.equal(f.dataPoints, 36);
    const noise = normal(rng(99));
    for (const p of f.forecast) {
      const actual = truth(35 + p.step) + opts.noise * noise();
      assert.ok(actual >= p.lower && actual <= p.upper, `month +${p.step}: ${actual.toFixed(0)} outside [${p.lower.toFixed(0)}, ${p.upper.toFixed(0)}]`);
      // Narrower than the season's swing: an interval around a straight line could not hold peak and trough.
      assert.ok(p.upper - p.lower < 2 * opts.amplitude, `month +${p.step}: interval ${(p.upper - p.lower).toFixed(0)} is as wide as the season`);
    }
  });

  it('would be wrong without the season: a trend-only or last-value forecast misses what Holt-Winters gets', () => {
    const { history, truth } = seasonalSeries(36, opts);
    const hw = smoothingForecast(history, { horizon: 12, seasonLength: 12 });
    const holt = smoothingForecast(history, { horizon: 12, seasonLength: 0 });
    assert.equal(holt.method, 'holt-linear');
    const mae = (f: typeof hw) => f.forecast.reduce((a, p) => a + Math.abs(p.value - truth(35 + p.step)), 0) / f.forecast.length;
    const naive = Array.from({ length: 12 }, (_, i) => Math.abs(history[35]! - truth(36 + i))).reduce((a, b) => a + b, 0) / 12;
    assert.ok(mae(hw) < 3 * opts.noise, `Holt-Winters error ${mae(hw).toFixed(0)}`);
    assert.ok(mae(holt) > 3 * mae(hw), `trend-only error ${mae(holt).toFixed(0)} vs ${mae(hw).toFixed(0)}`);
    assert.ok(naive > 3 * mae(hw), `last-value error ${naive.toFixed(0)} vs ${mae(hw).toFixed(0)}`);
  });

  it('with less than two seasons: Holt\'s linear trend follows the trend within its interval', () => {
    const noise = normal(rng(3));
    const truth = (t: number) => 500 + 40 * t;
    const history = Array.from({ length: 15 }, (_, t) => truth(t) + 10 * noise());
    const f = smoothingForecast(history, { horizon: 6, seasonLength: 12 });
    assert.equal(f.method, 'holt-linear');
    assert.equal(f.seasonLength, null);
    for (const p of f.forecast) {
      assert.ok(truth(14 + p.step) >= p.lower && truth(14 + p.step) <= p.upper, `+${p.step}`);
      assert.ok(Math.abs(p.value - truth(14 + p.step)) < 0.05 * truth(14 + p.step), `+${p.step}: ${p.value} vs ${truth(14 + p.step)}`);
    }
    // The interval widens with the distance ahead.
    assert.ok(f.forecast[5]!.upper - f.forecast[5]!.lower > f.forecast[0]!.upper - f.forecast[0]!.lower);
  });

  it('with almost no history: the mean, and no history at all forecasts zero without NaN', () => {
    assert.equal(smoothingForecast([100, 120], { horizon: 2 }).method, 'mean');
    assert.equal(smoothingForecast([100, 120], { horizon: 2 }).forecast[0]!.value, 110);
    const empty = smoothingForecast([], { horizon: 3 });
    assert.deepEqual(empty.forecast.map((p) => [p.value, p.lower, p.upper]), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    assert.throws(() => smoothingForecast([1, 2, 3], { horizon: 1, confidence: 0.42 }), /confidence/);
  });
  it('a higher confidence widens the interval; huge amounts and a flat history stay finite', () => {
    const { history } = seasonalSeries(30, opts);
    const width = (confidence: number) => { const p = smoothingForecast(history, { horizon: 1, confidence }).forecast[0]!; return p.upper - p.lower; };
    assert.ok(width(0.8) < width(0.95) && width(0.95) < width(0.99));
    const huge = smoothingForecast(history.map((v) => v * 1e8), { horizon: 24 });
    assert.ok(huge.forecast.every((p) => Number.isFinite(p.value) && Number.isFinite(p.lower) && Number.isFinite(p.upper)));
    const flat = smoothingForecast(new Array(30).fill(5_000), { horizon: 3 });
    assert.deepEqual(flat.forecast.map((p) => [Math.round(p.value), Math.round(p.upper - p.lower)]), [[5_000, 0], [5_000, 0], [5_000, 0]]);
  });
});
