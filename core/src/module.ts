import type { Server } from 'node:http';
import type { Middleware } from 'koa';
import { type CoreRouteDefinition as RouteDefinition } from './http/api-context.ts';
import type { RootContainer } from './container.ts';
import type { RouteStage } from './http/route-pipeline.ts';

/**
 * Core is assembled from modules with one job each (system routes, identity, plugins, ...).
 * Start-up runs every `register`, then the migrations, then every `start`; shutdown runs `stop`
 * in reverse order.
 */
export interface CoreModule {
  name: string;
  /** Adds services to the root container and migration sets; no I/O beyond reading files. */
  register?(container: RootContainer): void | Promise<void>;
  /** Routes this module serves. Called after every `start`, so plugins' routes are known. */
  routes?(container: RootContainer): RouteDefinition[];
  /** Route stages that guard every route (authentication, permissions, plugin gates), in order. */
  guards?(container: RootContainer): RouteStage[];
  /**
   * Middleware mounted after every API route, for requests no route answered (the admin UI's
   * static files and single-page-app fallback). Called once the routes are known.
   */
  fallback?(container: RootContainer): Middleware[];
  /**
   * Middleware around everything else, outside the error middleware (it sees the final status):
   * request metrics.
   */
  outer?(container: RootContainer): Middleware[];
  /** After migrations: seeding, booting plugins, registering background services. */
  start?(container: RootContainer): Promise<void>;
  /** Gets the HTTP server before it listens (socket.io). */
  attach?(container: RootContainer, server: Server): void;
  stop?(container: RootContainer): Promise<void>;
}
