import type { Knex } from 'knex';
import { createHttpClient, tokenId, type PluginContext, type PluginLogger, type RouteDefinition } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { applyTenantContext } from '../tenancy/context.ts';
import { forEachTenant } from '../tenancy/for-each-tenant.ts';
import { currentExecution, runInExecution, systemExecution } from './execution-scope.ts';
import type { PluginRecord } from './plugin-record.ts';
import { customRoom, permissionRoom, tenantRoom, userRoom } from '../realtime/realtime-hub.ts';
import { pluginCliOf } from '../cli/plugin-cli-registry.ts';
import { resolvePublicAddress } from '../net/address-guard.ts';
import { pluginRoute } from '../http/plugin-route.ts';
import { secretField } from './settings-store.ts';
import { pluginBranding, pluginBrandLogo } from '../ui/plugin-branding.ts';
import { tenantUrl } from '../tenancy/tenant-url.ts';
import { callSelf, routeInfo } from '../http/self-call.ts';

export class PluginContextError extends Error {}

/** Paths core serves itself: a plugin claiming them would break start-up later, so refuse early. */
const RESERVED = ['/api/health', '/api/v1/openapi.json', '/api/v1/auth', '/api/v1/plugins', '/api/v1/events', '/api/v1/webhooks', '/api/v1/jobs', '/api/v1/workflows', '/api/v1/tenants', '/api/v1/users', '/api/v1/roles', '/api/v1/permissions', '/api/v1/api-keys', '/api/v1/audit-logs'];

function checkRoute(id: string, route: RouteDefinition): void {
  const where = `Route ${route.method} ${route.path} of plugin "${id}"`;
  if (!/^\/api\/(v1|webhooks|agent\/v1)\//.test(route.path)) throw new PluginContextError(`${where} must be under /api/v1/, /api/webhooks/ or /api/agent/v1/`);
  if (RESERVED.some((p) => route.path === p || route.path.startsWith(`${p}/`))) throw new PluginContextError(`${where} is reserved for core`);
}

/**
 * Builds the context a plugin gets in register, boot and shutdown: everything it may touch,
 * each capability bound to the plugin id (owner of its routes, permissions, hooks, subscribers,
 * jobs, settings). Registration methods only work during register.
 */
export function createPluginContext(record: PluginRecord, container: RootContainer): PluginContext {
  const c = container.cradle;
  const manifest = record.manifest!;
  const id = record.id;
  const logger = c.logger.child({ plugin: id }) as unknown as PluginLogger;
  const declaring = (what: string) => {
    if (!record.registering) throw new PluginContextError(`Plugin "${id}": ${what} is only allowed in register()`);
  };
  const requires = new Set(manifest.requires?.services ?? []);
  const provides = new Set(manifest.provides?.services ?? []);
  const emits = new Set(manifest.events?.emits ?? []);
  const tenantOf = (explicit?: string) => {
    const tenantId = explicit ?? currentExecution()?.tenantId ?? null;
    if (!tenantId) throw new PluginContextError(`Plugin "${id}": no tenant (pass one outside a request, job or event handler)`);
    return tenantId;
  };
  const undeclared = (name: string) => new PluginContextError(`Plugin "${id}" emits "${name}" without declaring it in events.emits`);
  const target = (room: string) => ({ emit: (event: string, data?: unknown) => c.realtime.emit(room, event, data) });

  const ctx: PluginContext = {
    plugin: { id, version: record.version, manifest, directory: record.directory },
    logger,
    platform: { version: c.version, publicUrl: c.config.publicUrl ?? null, nodeEnv: c.config.nodeEnv, dataDir: c.config.dataDir },
    // Core's mail service (core/src/mail), resolved when sending: it registers after plugins do.
    mail: { send: (mail, options) => c.mail.send(mail, options) },
    branding: (tenantId) => pluginBranding(container, tenantOf(tenantId), currentExecution()?.trx() ?? undefined),
    brandLogo: (tenantId) => pluginBrandLogo(container, tenantOf(tenantId), currentExecution()?.trx() ?? undefined),
    tenantUrl: (tenantId) => tenantUrl(currentExecution()?.trx() ?? c.knex, tenantOf(tenantId), c.config.publicUrl),
    cli: {
      command(command) {
        declaring('ctx.cli.command');
        pluginCliOf(container).add(id, command);
      },
    },
    retention: {
      register(target) {
        declaring('ctx.retention.register');
        c.retentionRegistry.addForPlugin(id, target);
      },
    },
    readiness: {
      check(name, fn) {
        declaring('ctx.readiness.check');
        c.readinessChecks.set(`${id}:${name}`, { owner: id, run: fn });
      },
    },
    routes: {
      add(route) {
        declaring('ctx.routes.add');
        checkRoute(id, route);
        c.pluginManager.resources.check(manifest, 'route', route.path);
        c.routes.add(id, pluginRoute(route));
      },
      catalog: () => c.routes.list().map(routeInfo),
      call: (request) => callSelf(c.routes.servedAt, request),
    },
    permissions: {
      register(definition) {
        declaring('ctx.permissions.register');
        c.pluginManager.resources.check(manifest, 'permission', definition.name);
        c.permissionRegistry.register(id, definition);
      },
    },
    services: {
      provide(token, impl) {
        const name = tokenId(token);
        if (!provides.has(name)) throw new PluginContextError(`Plugin "${id}" provides service "${name}" without declaring it in provides.services`);
        c.pluginServices.provide(id, name, impl);
      },
      resolve(token) {
        const found = ctx.services.tryResolve(token);
        if (found === undefined) throw new PluginContextError(`Plugin "${id}" resolved service "${tokenId(token)}", which no active plugin provides`);
        return found;
      },
      tryResolve<T>(token: Parameters<PluginContext['services']['tryResolve']>[0]) {
        const name = tokenId(token);
        if (!requires.has(name) && !provides.has(name)) throw new PluginContextError(`Plugin "${id}" resolved service "${name}" without declaring it in requires.services`);
        const entry = c.pluginServices.get(name);
        return entry && c.pluginManager.isUsable(entry.owner) ? (entry.impl as T) : undefined;
      },
    },
    extensions: {
      provide(point, key, impl) {
        c.pluginServices.provideExtension(id, point, key, impl);
      },
      get(point, key) {
        return ctx.extensions.list(point).find((e) => e.key === key)?.impl;
      },
      list(point) {
        const tenantId = currentExecution()?.tenantId ?? null;
        return c.pluginServices.listExtensions(point).filter((e) => c.pluginManager.isUsable(e.owner) && c.pluginManager.isEnabledCached(e.owner, tenantId));
      },
    },
    hooks: {
      on(name, handler, options) {
        declaring('ctx.hooks.on');
        c.hookBus.on(id, name, handler, options?.priority);
      },
      run: (name, payload, options) => c.hookBus.run(name, payload, options),
    },
    events: {
      emit(name, payload, options = {}) {
        if (!emits.has(name)) return Promise.reject(undeclared(name));
        return c.eventBus.emit({ source: id, name, payload, ...options });
      },
      emitMany(events, options = {}) {
        const bad = events.find((e) => !emits.has(e.name));
        if (bad) return Promise.reject(undeclared(bad.name));
        return c.eventBus.emitMany({ source: id, events, ...options });
      },
      subscribe(name, handler, options) {
        declaring('ctx.events.subscribe');
        c.eventBus.subscribe(id, name, handler as never, options);
      },
    },
    jobs: {
      define(name, handler, options) {
        declaring('ctx.jobs.define');
        // The tenant's plugin states are loaded before the handler runs: `extensions.list` reads
        // them synchronously and fails closed on a tenant it has not seen (after a restart).
        const loaded: typeof handler = async (job) => {
          if (job.tenantId) await c.pluginTenantStates.disabledFor(job.tenantId);
          return handler(job);
        };
        c.jobQueue.define(id, name, loaded as never, options);
      },
      enqueue: (name, data, options) => c.jobQueue.enqueue(id, name, data, options),
      schedule(name, cron, options) {
        declaring('ctx.jobs.schedule');
        c.jobQueue.schedule(id, name, cron, options);
      },
    },
    workflows: c.workflows.forPlugin(id, declaring),
    settings: {
      get: (tenantId) => c.pluginSettings.read(id, manifest.settings, tenantOf(tenantId)),
      set: (values, tenantId) => c.pluginSettings.write(id, manifest.settings, tenantOf(tenantId), values as Record<string, unknown>),
    },
    secrets: {
      // Bound to plugin, field and tenant (additional data): a value copied elsewhere does not open.
      seal: (plain, field, tenantId) => c.pluginSettings.box.seal(plain, { tenantId: tenantOf(tenantId), field: secretField(id, `sealed:${field}`) }),
      open: (sealed, field, tenantId) => c.pluginSettings.box.open(sealed, { tenantId: tenantOf(tenantId), field: secretField(id, `sealed:${field}`) }),
    },
    db: {
      current() {
        const trx = currentExecution()?.trx();
        if (!trx) throw new PluginContextError(`Plugin "${id}": ctx.db.current() outside a request, job or event handler`);
        return trx;
      },
      async transaction<R>(tenantId: string | null, fn: (trx: Knex.Transaction) => Promise<R>): Promise<R> {
        // fn runs as a system execution of this transaction: db.current(), scope(), emit and
        // settings.get inside it use it (on PGlite, one connection, anything else would wait forever).
        const afterCommit: Array<() => void | Promise<void>> = [];
        const result = await c.appKnex.transaction(async (trx) => {
          await applyTenantContext(trx, tenantId ?? undefined);
          if (tenantId) await c.pluginTenantStates.disabledFor(tenantId, trx); // for extensions.list (fail closed)
          return runInExecution(systemExecution(tenantId, trx, afterCommit), () => fn(trx));
        });
        for (const cb of afterCommit) await Promise.resolve(cb()).catch((err: unknown) => logger.error({ err }, 'after-commit callback failed'));
        return result;
      },
    },
    realtime: {
      toTenant: (tenantId) => target(tenantRoom(tenantId)),
      toUser: (userId) => target(userRoom(userId)),
      toPermission: (tenantId, permission) => target(permissionRoom(tenantId, permission)),
      toRoom: (room) => target(customRoom(`${id}:${room}`)),
      join: (userId, room) => c.realtime.join(userId, customRoom(`${id}:${room}`)),
      leave: (userId, room) => c.realtime.leave(userId, customRoom(`${id}:${room}`)),
    },
    metrics: c.metrics.plugins.forPlugin(id),
    http: createHttpClient(),
    httpClient: (options) => createHttpClient(options),
    forEachTenant: (fn, options) => forEachTenant(c, id, ctx.db.transaction, fn, options),
    net: { resolvePublic: (host) => resolvePublicAddress(host, c.config.allowPrivateTargets) },
    scope() {
      const exec = currentExecution();
      return exec ? { tenantId: exec.tenantId, principal: exec.principal, trx: exec.trx() } : null;
    },
  };
  return ctx;
}
