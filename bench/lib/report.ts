import type { CaseResult, HarnessOptions } from './harness.ts';

const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** A Markdown table, pasteable into docs/benchmarks.md. */
export function formatResults(results: CaseResult[], options: HarnessOptions): string {
  const lines = [
    `connections ${options.connections}, ${options.warmup}s warm-up + ${options.duration}s measured, best req/s (median CPU) of ${options.rounds} alternating round(s), pool ${options.poolMax}, mPanel LOG_LEVEL=${options.logLevel}`,
    '',
    '| case | bare Koa req/s | p50 / p99 ms | CPU µs/req | mPanel req/s | p50 / p99 ms | CPU µs/req | mPanel/bare req/s | (by CPU) | goal |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const goal = r.goal === undefined ? '' : `≥ ${r.goal}× ${r.ratio >= r.goal ? 'met' : '**missed**'}`;
    lines.push(
      `| ${r.name} | ${fmt(r.bare.requestsPerSecond)} | ${r.bare.p50} / ${r.bare.p99} | ${fmt(r.bare.cpuMicrosPerRequest)} ` +
        `| ${fmt(r.mpanel.requestsPerSecond)} | ${r.mpanel.p50} / ${r.mpanel.p99} | ${fmt(r.mpanel.cpuMicrosPerRequest)} ` +
        `| ${fmt(r.ratio, 2)}× | ${fmt(r.cpuRatio, 2)}× | ${goal} |`,
    );
  }
  return lines.join('\n');
}
