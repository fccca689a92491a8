import type { BenchCase } from '../types.ts';
import { publicSelect, publicSelectNoTransaction, publicSelectSameSql } from './public-select.ts';
import { authenticatedUsers } from './authenticated-users.ts';

/**
 * Every case, in run order. `npm run bench:api` runs the non-diagnostic ones; BENCH_CASES=<substring>
 * picks any (diagnostic ones included), BENCH_CASES=all runs everything.
 */
export const benchCases: BenchCase[] = [publicSelect, authenticatedUsers, publicSelectSameSql, publicSelectNoTransaction];
