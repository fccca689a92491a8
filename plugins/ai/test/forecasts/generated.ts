/** Seeded generators for the forecast tests: the same "random" history on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Standard normal noise (Box-Muller) from a seeded source. */
export function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Monthly revenue with a known trend and yearly season: base + slope·t + amplitude·sin(2πt/12) + noise. */
export function seasonalSeries(n: number, opts: { base: number; slope: number; amplitude: number; noise: number; seed: number }): { history: number[]; truth: (t: number) => number } {
  const noise = normal(rng(opts.seed));
  const truth = (t: number) => opts.base + opts.slope * t + opts.amplitude * Math.sin((2 * Math.PI * t) / 12);
  return { history: Array.from({ length: n }, (_, t) => truth(t) + opts.noise * noise()), truth };
}
