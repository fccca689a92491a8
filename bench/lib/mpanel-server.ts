import { pino } from 'pino';
import { loadConfig } from '../../core/src/config/config.ts';
import { createLogger } from '../../core/src/logger.ts';
import { startServer, type RunningServer } from '../../core/src/server.ts';
import type { BenchCase } from './types.ts';

export const BENCH_ADMIN = { email: 'bench-admin@example.test', password: 'bench-password-0123456789', tenant: 'default' };

/**
 * The real platform (every core module, every middleware and route stage) with one extra module
 * holding the cases' routes. Production settings; request logs at `logLevel` go to /dev/null so
 * their cost is measured without flooding the terminal.
 */
export async function startMpanelServer(databaseUrl: string, cases: BenchCase[], logLevel: string): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: '/tmp/mpanel-bench-data',
    JWT_SECRET: 'bench-only-secret-bench-only-secret-0123',
    // Production on PostgreSQL requires an encryption keyring; the bench seals nothing worth keeping.
    MPANEL_ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}`,
    LOG_LEVEL: logLevel,
    MPANEL_ADMIN_EMAIL: BENCH_ADMIN.email,
    MPANEL_ADMIN_PASSWORD: BENCH_ADMIN.password,
    // Load from one address measures the routes, not the rate limiter's refusals.
    RATE_LIMIT_IP: '0',
    RATE_LIMIT_PRINCIPAL: '0',
  });
  // core's own logger (same level, redaction, serializers), writing to /dev/null instead of stdout.
  const logger = createLogger(config);
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = pino.destination({ dest: '/dev/null', sync: false });
  return startServer(config, {
    logger,
    modules: [{ name: 'bench', routes: () => cases.flatMap((c) => c.mpanelRoutes ?? []) }],
  });
}
