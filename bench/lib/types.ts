import type Router from '@koa/router';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { CoreRouteDefinition as RouteDefinition } from '../../core/src/http/api-context.ts';

/** What one side of a comparison is loaded with. */
export interface Target {
  path: string;
  headers?: Record<string, string>;
}

/** Everything a case may use to prepare fixtures and credentials, once both servers are up. */
export interface BenchEnv {
  /** A knex connection to the scratch database (already migrated and seeded by mPanel), as its owner. */
  knex: Knex;
  /** A pg pool on the same database. */
  pool: pg.Pool;
  mpanelUrl: string;
  bareUrl: string;
  /** The seeded super admin (MPANEL_ADMIN_EMAIL / MPANEL_ADMIN_PASSWORD of the bench server). */
  admin: { email: string; password: string; tenant: string };
}

/**
 * One comparison: the same database work served by bare Koa + @koa/router + pg and by mPanel's
 * full route pipeline, so only the framework differs.
 */
export interface BenchCase {
  name: string;
  /** The minimum mPanel/bare ratio of requests per second. */
  goal?: number;
  /** Only run when BENCH_CASES names it: a breakdown for profiling, not a headline figure. */
  diagnostic?: boolean;
  /** Routes mPanel gets from a bench-only module (a case on an existing route needs none). */
  mpanelRoutes?: RouteDefinition[];
  /** The same work on the bare server. */
  bareRoutes(router: Router, pool: pg.Pool): void;
  /** Runs before any load: fixtures, tokens; returns what each side is loaded with. */
  prepare(env: BenchEnv): Promise<{ bare: Target; mpanel: Target }>;
}

export interface LoadOptions {
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Seconds of load before measuring (JIT, pools, caches). */
  warmup: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts: any of them invalidates the run. */
  failures: number;
  /**
   * CPU time (user + system) the server process spent per request. It moves less than req/s when
   * other work shares the machine, so it is the steadier figure to compare.
   */
  cpuMicrosPerRequest: number;
}
