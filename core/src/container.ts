import { asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { Config } from './config/config.ts';
import type { Database } from './db/connect.ts';
import type { Logger } from './logger.ts';
import type { RouteRegistry } from './http/route-registry.ts';
import { PermissionRegistry } from './rbac/permission-registry.ts';

export interface PluginStatus {
  id: string;
  version: string;
  status: 'active' | 'failed' | 'disabled' | 'skipped';
  error?: string;
}

/** Anything that can report plugin states (the plugin manager replaces the empty default). */
export interface PluginStatusSource {
  list(): PluginStatus[];
}

/** What the root container always holds. Request scopes add `trx`, `tenant`, `currentUser`, `permissions`, `log`. */
export interface CoreCradle {
  config: Config;
  logger: Logger;
  db: Database;
  /** The owner: migrations and platform loops that cross tenants. */
  knex: Database['knex'];
  /** The app role (requests, jobs, plugin transactions): row-level security binds it. */
  appKnex: Database['appKnex'];
  routes: RouteRegistry;
  permissionRegistry: PermissionRegistry;
  pluginStatus: PluginStatusSource;
  version: string;
}

export type RootContainer = AwilixContainer<CoreCradle>;

export function createRootContainer(values: Pick<CoreCradle, 'config' | 'logger' | 'db' | 'routes' | 'version'>): RootContainer {
  // strict: a singleton that depends on a scoped value (the tenant, the transaction) throws
  // instead of silently keeping the first request's value.
  const container = createContainer<CoreCradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  container.register({
    config: asValue(values.config),
    logger: asValue(values.logger),
    db: asValue(values.db),
    knex: asValue(values.db.knex),
    appKnex: asValue(values.db.appKnex),
    routes: asValue(values.routes),
    permissionRegistry: asValue(new PermissionRegistry()),
    version: asValue(values.version),
    pluginStatus: asValue<PluginStatusSource>({ list: () => [] }),
  });
  return container;
}
