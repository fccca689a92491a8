import type { Knex } from 'knex';
import type { RouteDefinition, RouteInfo, SelfRequest, SelfResponse } from './routes.ts';
import type { PermissionDefinition } from './principal.ts';
import type { PluginManifest } from './manifest.ts';
import type { PluginLogger } from './logger.ts';
import type { PluginHooks } from './hooks.ts';
import type { PluginEvents } from './events.ts';
import type { PluginJobs } from './jobs.ts';
import type { PluginWorkflows } from './workflows.ts';
import type { PluginSettings } from './settings.ts';
import type { PluginRealtime } from './realtime.ts';
import type { PluginMetrics } from './metrics.ts';
import type { HttpClient, HttpClientOptions } from './http-client.ts';
import type { PluginNet } from './net.ts';
import type { ExtensionPoint, ProvidedExtension, ServiceToken } from './services.ts';
import type { Principal } from './principal.ts';
import type { PluginMail } from './mail.ts';
import type { PluginCli } from './cli.ts';
import type { PluginRetention } from './retention.ts';
import type { BrandImage, Branding } from './extension-points/branding.ts';
import type { PluginReadiness } from './readiness.ts';

export interface PluginRoutes {
  /**
   * Declares a route (register phase). Paths live under `/api/v1/...` (or `/api/webhooks/...` for
   * `scope: 'webhook'`); the plugin is recorded as the route's owner, and for a tenant where the
   * plugin is disabled the route answers 404.
   */
  add(route: RouteDefinition): void;
  /**
   * Every registered route (core's and every plugin's) as data, without handlers: method, path,
   * owner, permission, scope, summary and schemas. For code generated from the API (an
   * assistant's tools); the list is complete once every plugin has registered (boot or later).
   */
  catalog(): RouteInfo[];
  /**
   * Calls the platform's own HTTP API as the caller whose `authorization` header is given (their
   * token, tenant and permissions, the normal guards, validation and audit entry). Throws when the
   * platform is not serving HTTP (a CLI run). Never forge an `authorization`: pass the request's own.
   */
  call(request: SelfRequest): Promise<SelfResponse>;
}

export interface PluginPermissions {
  /** Declares a permission besides those in the manifest (register phase). */
  register(definition: PermissionDefinition): void;
}

export interface PluginServices {
  /** Provides a service; its token must be listed in `manifest.provides.services`. */
  provide<T>(token: ServiceToken<T>, impl: T): void;
  /** Resolves a service listed in `manifest.requires.services`; anything else throws naming plugin and token. */
  resolve<T>(token: ServiceToken<T>): T;
  /** Like resolve, but undefined when the (declared) provider is absent or failed: optional dependencies. */
  tryResolve<T>(token: ServiceToken<T>): T | undefined;
}

export interface PluginExtensions {
  /** Provides an implementation of an extension point (a payment gateway, a DNS provider...). */
  provide<T>(point: ExtensionPoint<T>, key: string, impl: T): void;
  /** The implementation under `key`, if its plugin is active (and enabled for the current tenant). */
  get<T>(point: ExtensionPoint<T>, key: string): T | undefined;
  /** Every active implementation (enabled for the current tenant, when there is one). */
  list<T>(point: ExtensionPoint<T>): ProvidedExtension<T>[];
}

/**
 * Secrets a plugin keeps in its own tables (server credentials, private keys): AES-256-GCM under
 * the platform keyring (MPANEL_ENCRYPTION_KEYS), bound to the plugin, the `field` name and the
 * tenant (the current execution's unless given), so a sealed value copied into another tenant's
 * row or another column does not open. Store the sealed string; open it only when calling out.
 */
export interface PluginSecrets {
  seal(plain: string, field: string, tenantId?: string): string;
  open(sealed: string, field: string, tenantId?: string): string;
}

/** Where code runs: a request, a job, an event handler — or nothing (boot). */
export interface ExecutionScope {
  tenantId: string | null;
  principal: Principal | null;
  /** The scope's transaction (tenant context applied), once it is open. */
  trx: Knex.Transaction | null;
}

/**
 * Plugins get no connection outside a tenant's row-level security: work across tenants (a billing
 * run, a provider's reconciliation) visits them one by one with `ctx.forEachTenant`.
 */
export interface PluginDb {
  /** The transaction of the current request, job or event handler; throws outside one. */
  current(): Knex.Transaction;
  /** A new transaction with the tenant context applied (jobs that do provider I/O between writes). */
  transaction<R>(tenantId: string | null, fn: (trx: Knex.Transaction) => Promise<R>): Promise<R>;
}

/** One tenant of `ctx.forEachTenant`, with its place in the visit (for progress). */
export interface TenantVisit {
  readonly id: string;
  readonly slug: string;
  /** 0-based position and the number of tenants the visit covers. */
  readonly index: number;
  readonly total: number;
  /** A new transaction as this tenant (row-level security applied): `db.transaction(id, fn)`. */
  transaction<R>(fn: (trx: Knex.Transaction) => Promise<R>): Promise<R>;
}

/** What every phase of a plugin receives. Registration methods throw once the register phase is over. */
export interface PluginContext<TSettings = Record<string, unknown>> {
  readonly plugin: { readonly id: string; readonly version: string; readonly manifest: PluginManifest; readonly directory: string | null };
  readonly logger: PluginLogger;
  readonly routes: PluginRoutes;
  readonly permissions: PluginPermissions;
  readonly services: PluginServices;
  readonly extensions: PluginExtensions;
  readonly hooks: PluginHooks;
  readonly events: PluginEvents;
  readonly jobs: PluginJobs;
  /** Durable multi-step work (see sdk/src/workflows.ts). */
  readonly workflows: PluginWorkflows;
  readonly settings: PluginSettings<TSettings>;
  readonly secrets: PluginSecrets;
  readonly db: PluginDb;
  readonly realtime: PluginRealtime;
  /** Prometheus metrics named after the plugin (see sdk/src/metrics.ts). */
  readonly metrics: PluginMetrics;
  /** A JSON HTTP client with a timeout (10 s default); `httpClient()` makes one with a base URL. */
  readonly http: HttpClient;
  httpClient(options: HttpClientOptions): HttpClient;
  /** The private-address guard for hosts a tenant configures (see sdk/src/net.ts). */
  readonly net: PluginNet;
  /** The current request / job / handler scope, or null outside one. */
  scope(): ExecutionScope | null;
  /**
   * Runs `fn` once per active tenant where this plugin is enabled (by slug; `options.slug`: that
   * tenant only), one after the other, each as an execution of that tenant: `tenant.transaction`,
   * `db.transaction(tenant.id)`, `scope()`, `settings.get()`, `extensions.list()` and enqueued jobs
   * are that tenant's. Resolves to the number of tenants visited; an error stops the visit.
   */
  forEachTenant(fn: (tenant: TenantVisit) => Promise<void>, options?: { slug?: string }): Promise<number>;
  /** Non-secret platform facts. */
  readonly platform: {
    readonly version: string; readonly publicUrl: string | null; readonly nodeEnv: string;
    /** DATA_DIR, for plugins that keep files (attachments); absent on hosts without one. */
    readonly dataDir?: string;
  };
  /** Outgoing mail of the current tenant (queued, retried; see sdk/src/mail.ts). */
  readonly mail: PluginMail;
  /**
   * The tenant's branding (the white-label provider's answer over the defaults), for what a plugin
   * renders outside the browser: mails, PDFs. Default tenant: the current execution's.
   */
  branding(tenantId?: string): Promise<Branding>;
  /** The tenant's uploaded logo (see `BrandingProvider.logoImage`), or null. Default tenant: the current execution's. */
  brandLogo(tenantId?: string): Promise<BrandImage | null>;
  /**
   * Where the tenant's clients reach the panel, for links in mails and documents: its first verified
   * custom domain (with the platform URL's scheme and port), else the platform's `publicUrl`, else
   * null. No trailing slash. Default tenant: the current execution's.
   */
  tenantUrl(tenantId?: string): Promise<string | null>;
  /** Commands for the `mpanel` CLI (register phase; see sdk/src/cli.ts). */
  readonly cli: PluginCli;
  /** Old rows of the plugin's tables deleted after a period (register phase; see sdk/src/retention.ts). */
  readonly retention: PluginRetention;
  /** Checks reported by `GET /api/health/ready` (register phase; see sdk/src/readiness.ts). */
  readonly readiness: PluginReadiness;
}

export interface PluginDefinition<TSettings = Record<string, unknown>> {
  manifest: PluginManifest;
  /**
   * The plugin's folder, for a definition handed over already loaded (`createTestHost`,
   * embedding): its migrations (`entry.migrations`, default `migrations/`) are found from here.
   * Usually `fileURLToPath(new URL('.', import.meta.url))` in the plugin's entry file. Plugins
   * found in `plugins/*` or named in MPANEL_PLUGINS need not set it.
   */
  directory?: string;
  /** Declare only: routes, permissions, hooks, subscribers, jobs, services. No I/O. */
  register(ctx: PluginContext<TSettings>): void | Promise<void>;
  /** After migrations: may do I/O (warm caches, check providers). Has a timeout. */
  boot?(ctx: PluginContext<TSettings>): void | Promise<void>;
  /** Reverse order of boot, on shutdown. */
  shutdown?(ctx: PluginContext<TSettings>): void | Promise<void>;
}

/** The one thing a plugin's entry file default-exports. */
export function definePlugin<TSettings = Record<string, unknown>>(definition: PluginDefinition<TSettings>): PluginDefinition<TSettings> {
  return definition;
}
