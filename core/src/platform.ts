import type { Server } from 'node:http';
import { asValue } from 'awilix';
import type Koa from 'koa';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/config.ts';
import { configuredDatabase, openDatabase, pgliteDir, setAppRolePassword, type Database } from './db/connect.ts';
import { openEmbedded } from './db/migrated-dump.ts';
import { allMigrationSets } from './plugins-migrations.ts';
import { migrateUp, type MigrationSet } from './db/migrator.ts';
import { createRootContainer, type RootContainer } from './container.ts';
import { createLogger, type Logger } from './logger.ts';
import { RouteRegistry } from './http/route-registry.ts';
import { createApp } from './http/app.ts';
import { openRedis, type RedisHandle } from './redis.ts';
import { coreModules } from './modules.ts';
import type { CoreModule } from './module.ts';
import { VERSION } from './version.ts';
import type { PluginSystemOptions } from './plugins/plugin-system-module.ts';

export const CORE_MIGRATIONS: MigrationSet = {
  owner: 'core',
  tableName: 'knex_migrations',
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
};

export interface PlatformOptions {
  /** An already-open database (tests); otherwise one is opened from the config. */
  database?: Database;
  logger?: Logger;
  /** Extra modules after the core ones (tests, embedding). */
  modules?: CoreModule[];
  /** Plugin sources and tuning (default: `plugins/*` and MPANEL_PLUGINS); tests pass fixtures. */
  plugins?: PluginSystemOptions;
}

export interface Platform {
  config: Config;
  container: RootContainer;
  app: Koa;
  logger: Logger;
  /** Callbacks that attach to the HTTP server (socket.io); it is already listening, answering 503. */
  attachToServer: Array<(server: Server) => void>;
  /** Stops modules and closes the database and Redis (the HTTP server is the caller's). */
  close(): Promise<void>;
}

/**
 * Builds mPanel: database, container, modules (register → migrate → start), routes, Koa app.
 * It does not listen; see `server.ts`.
 */
export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config);
  // Where a start's time goes, logged once it is up (bench:start and docs/benchmarks.md read it).
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  // A new embedded data directory starts from the migrated dump of the migrations this server will run.
  const sets = () => allMigrationSets(options.plugins ?? {}, () => undefined);
  const embedded = options.database || config.databaseUrl ? undefined : await openEmbedded({ dataDir: pgliteDir(config.dataDir), sets, warn: (message) => logger.warn(message) });
  const db = options.database ?? embedded?.db ?? (await openDatabase(configuredDatabase(config)));
  phase(embedded ? `database (${embedded.origin})` : 'database');
  const redis: RedisHandle | undefined = config.redisUrl ? openRedis(config.redisUrl, logger) : undefined;
  const routes = new RouteRegistry();
  const container = createRootContainer({ config, logger, db, routes, version: VERSION });
  const migrationSets: MigrationSet[] = [CORE_MIGRATIONS];
  container.register({ migrationSets: asValue(migrationSets), redis: asValue(redis), startupNotes: asValue([] as string[]), pluginOptions: asValue(options.plugins ?? {}) } as never);

  const modules = [...coreModules, ...(options.modules ?? [])];
  const started: CoreModule[] = [];
  const close = async () => {
    for (const mod of [...started].reverse()) {
      try {
        await mod.stop?.(container);
      } catch (err) {
        logger.error({ err, module: mod.name }, 'module failed to stop');
      }
    }
    await container.dispose();
    await redis?.close();
    if (!options.database) await db.close();
  };

  try {
    for (const mod of modules) {
      await mod.register?.(container);
      phase(`register ${mod.name}`);
    }
    const applied = await migrateUp(db.knex, migrationSets);
    phase('migrations');
    if (applied.length) logger.info({ applied }, 'migrations applied');
    // The first start with a privileged URL sets up the app role's login (it got LOGIN in a migration).
    if (db.kind === 'postgres' && config.appDatabasePassword && !config.appDatabaseUrl) await setAppRolePassword(db.knex, config.appDatabasePassword);
    for (const mod of modules) {
      await mod.start?.(container);
      started.push(mod);
      phase(`start ${mod.name}`);
    }
    for (const mod of modules) for (const route of mod.routes?.(container) ?? []) routes.add('core', route);
    const guardStages = modules.flatMap((mod) => mod.guards?.(container) ?? []);
    const fallback = modules.flatMap((mod) => mod.fallback?.(container) ?? []);
    const outer = modules.flatMap((mod) => mod.outer?.(container) ?? []);
    const app = createApp(container, { guardStages, fallback, outer });
    const attachToServer = modules.flatMap((mod) => (mod.attach ? [(server: Server) => mod.attach!(container, server)] : []));
    phase('routes');
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const memory = process.memoryUsage();
    logger.info({ phases, uptimeMs: Math.round(process.uptime() * 1000), memoryMb: { rss: mb(memory.rss), heapUsed: mb(memory.heapUsed), external: mb(memory.external) } }, 'platform ready');
    return { config, container, app, logger, attachToServer, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

declare module './container.ts' {
  interface CoreCradle {
    migrationSets: MigrationSet[];
    redis: RedisHandle | undefined;
    /** Lines printed under the URL at start (how to log in, warnings). */
    startupNotes: string[];
  }
}
