import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import type { RootContainer } from '../container.ts';
import { HookBus } from '../hooks/hook-bus.ts';
import { EventBus } from '../events/event-bus.ts';
import { EventDispatcher, type DispatcherOptions } from '../events/dispatcher.ts';
import { PgListener } from '../events/pg-listener.ts';
import { eventRoutes } from '../events/routes.ts';
import { DatabaseJobQueue } from '../jobs/database-queue.ts';
import { BullJobQueue } from '../jobs/bullmq-queue.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { JobQueueSettings } from '../jobs/job-settings.ts';
import { jobRoutes } from '../jobs/routes.ts';
import { SocketServer } from '../realtime/socket-server.ts';
import type { RealtimeHub } from '../realtime/realtime-hub.ts';
import { WebhookService, type WebhookOptions } from '../webhooks/webhook-service.ts';
import { webhookRoutes } from '../webhooks/routes.ts';
import { DEFAULT_TIMEOUTS, PluginManager, type StepTimeouts } from './plugin-manager.ts';
import { ServiceRegistry } from './service-registry.ts';
import { TenantPluginStates } from './tenant-states.ts';
import { SettingsStore } from './settings-store.ts';
import { secretBoxes } from '../crypto/secret-box.ts';
import { executionStage, pluginGate } from './guards.ts';
import { pluginRoutes } from './routes.ts';
import type { PluginSources } from './discovery.ts';

/** Tuning and plugin sources; the platform passes `PlatformOptions.plugins` through the container. */
export interface PluginSystemOptions extends PluginSources {
  timeouts?: Partial<StepTimeouts>;
  /** First retry delay of event deliveries (default 1 s). */
  eventRetryBaseMs?: number;
  /** First retry delay of webhook deliveries (default 30 s). */
  webhookRetryBaseMs?: number;
  /** Event delivery tuning: handler timeout, tenants served at once, turn size and length. */
  eventDelivery?: EventDeliveryOptions;
  /** Webhook delivery tuning: POSTs in flight overall / per endpoint / per tenant, request timeout. */
  webhookDelivery?: WebhookDeliveryOptions;
  /** BullMQ key prefix (default `mpanel`): instances sharing a database share it. */
  queuePrefix?: string;
  /** Overrides the configured job lease, slots and stop grace (tests use short leases). */
  jobs?: Partial<JobQueueSettings>;
}

type EventDeliveryOptions = Pick<DispatcherOptions, 'handlerTimeoutMs' | 'concurrency' | 'tenantBatchSize' | 'sliceMs'>;
type WebhookDeliveryOptions = Pick<WebhookOptions, 'concurrency' | 'perEndpoint' | 'perTenant' | 'timeoutMs'>;

const CORE_PERMISSIONS = [
  { name: 'plugins.read', description: 'See installed plugins and their state' },
  { name: 'plugins.manage', description: 'Enable, disable and configure plugins for the tenant' },
  { name: 'events.read', description: 'See failed event deliveries (dead letters)' },
  { name: 'events.manage', description: 'Retry failed event deliveries' },
  { name: 'webhooks.read', description: 'See outgoing webhooks and their deliveries' },
  { name: 'webhooks.manage', description: 'Create, change, delete and redeliver outgoing webhooks' },
  { name: 'jobs.read', description: 'See background jobs' },
  { name: 'jobs.manage', description: 'Retry failed background jobs' },
].map((p) => ({ ...p, defaultRoles: ['admin'] }));

const listeners = new WeakMap<RootContainer, PgListener>();

/**
 * The plugin system as one core module: it owns the hook bus, the event outbox and dispatcher,
 * outgoing webhooks, the job queue, realtime, and the plugin lifecycle. Plugins register in
 * this module's register (so their permissions exist before roles are seeded), migrate and boot
 * in its start; dispatchers and workers are background services, started after every module
 * (and plugin) on the roles that run them.
 */
export const pluginSystemModule: CoreModule = {
  name: 'plugins',
  async register(container: RootContainer) {
    const { config, knex, appKnex, logger, redis } = container.cradle;
    const options = ((container.cradle as { pluginOptions?: PluginSystemOptions }).pluginOptions ?? {}) as PluginSystemOptions;
    const states = new TenantPluginStates(knex);
    const eventBus = new EventBus(knex);
    const manager = new PluginManager(container, options, { ...DEFAULT_TIMEOUTS, ...options.timeouts });
    const dispatcher = new EventDispatcher(knex, appKnex, eventBus, logger, {
      concurrency: config.delivery.eventConcurrency,
      handlerTimeoutMs: config.delivery.eventHandlerTimeoutMs,
      ...options.eventDelivery,
      retryBaseMs: options.eventRetryBaseMs,
      isEnabled: (owner, tenantId, trx) => states.isEnabled(owner, tenantId, trx),
      isActive: (owner) => manager.isUsable(owner),
    });
    eventBus.onCommitted = () => dispatcher.loop.wake();
    const jobSettings = { ...config.jobs, ...options.jobs };
    const jobQueue: JobQueue = redis ? new BullJobQueue(redis, knex, logger, options.queuePrefix ?? 'mpanel', appKnex, jobSettings) : new DatabaseJobQueue(knex, logger, appKnex, jobSettings);
    const realtime = new SocketServer(config, logger, redis);
    const boxes = secretBoxes(config);
    const box = boxes.pluginSecrets;
    const webhooks = new WebhookService(knex, logger, boxes.webhookSecrets, {
      allowPrivateTargets: config.allowPrivateTargets,
      concurrency: config.delivery.webhookConcurrency,
      perEndpoint: config.delivery.webhookPerEndpoint,
      timeoutMs: config.delivery.webhookTimeoutMs,
      ...options.webhookDelivery,
      retryBaseMs: options.webhookRetryBaseMs,
    });
    dispatcher.addFanout((trx, events) => webhooks.fanOut(trx, events), () => webhooks.loop.wake());
    container.register({
      pluginOptions: asValue(options),
      pluginServices: asValue(new ServiceRegistry()),
      pluginTenantStates: asValue(states),
      pluginSettings: asValue(new SettingsStore(knex, box)),
      hookBus: asValue(new HookBus((owner, tenantId) => states.isEnabled(owner, tenantId))),
      eventBus: asValue(eventBus),
      eventDispatcher: asValue(dispatcher),
      webhooks: asValue(webhooks),
      jobQueue: asValue(jobQueue),
      realtime: asValue<RealtimeHub>(realtime),
      socketServer: asValue(realtime),
      pluginManager: asValue(manager),
      pluginStatus: asValue(manager),
    } as never);
    for (const p of CORE_PERMISSIONS) container.cradle.permissionRegistry.register('core', p);
    await manager.registerAll(container.cradle.version);
  },
  async start(container) {
    const c = container.cradle;
    await c.pluginManager.migrateAll();
    await c.pluginManager.bootAll();
    // Started by the background module on the roles that run background work (core/src/ops/).
    const background = c.backgroundServices;
    background.add({ name: 'events', start: () => c.eventDispatcher.loop.start() });
    background.add({ name: 'webhooks', start: () => c.webhooks.loop.start() });
    background.add({ name: 'jobs', start: () => c.jobQueue.start() });
    if (c.config.databaseUrl && c.db.kind === 'postgres') {
      background.add({
        name: 'listen',
        async start() {
          const listener = new PgListener(c.config.databaseUrl!, c.logger);
          listeners.set(container, listener);
          listener.on('mpanel_outbox', () => c.eventDispatcher.loop.wake());
          listener.on('mpanel_jobs', () => (c.jobQueue as { loop?: { wake(): void } }).loop?.wake());
          await listener.start().catch((err: unknown) => c.logger.warn({ err }, 'LISTEN unavailable; relying on polling'));
        },
      });
    }
  },
  routes: (container) => [...pluginRoutes(container), ...eventRoutes(container), ...webhookRoutes(container), ...jobRoutes(container)],
  guards: (container) => [executionStage, pluginGate(container)],
  attach(container, server) {
    const { accessTokens, principalLoader, socketServer } = container.cradle;
    socketServer.attach(server, {
      identify(token) {
        const claims = accessTokens.verify(token);
        return { userId: claims.sub, tenantId: claims.tid, sessionId: claims.sid };
      },
      async load(who) {
        const { principal, impersonatedBy } = await principalLoader.fromSession(who.userId, who.tenantId, who.sessionId);
        return { tenantId: principal.tenantId, permissions: principal.permissions, impersonatedBy };
      },
    });
  },
  async stop(container) {
    const c = container.cradle;
    await c.pluginManager.shutdownAll();
    await listeners.get(container)?.close();
    await Promise.all([c.eventDispatcher.loop.stop(), c.webhooks.loop.stop(), c.jobQueue.stop(), c.socketServer.close()]);
  },
};

declare module '../container.ts' {
  interface CoreCradle {
    pluginOptions: PluginSystemOptions;
    pluginServices: ServiceRegistry;
    pluginTenantStates: TenantPluginStates;
    pluginSettings: SettingsStore;
    hookBus: HookBus;
    eventBus: EventBus;
    eventDispatcher: EventDispatcher;
    webhooks: WebhookService;
    jobQueue: JobQueue;
    realtime: RealtimeHub;
    socketServer: SocketServer;
    pluginManager: PluginManager;
  }
}
