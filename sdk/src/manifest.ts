import type { JsonSchema } from './json-schema.ts';
import type { PermissionDefinition } from './principal.ts';

/** What kind of feature a plugin adds; the admin UI groups plugins by it. */
export type PluginCategory = 'gateway' | 'provisioning' | 'registrar' | 'dns' | 'ssl' | 'ai' | 'cdn' | 'branding' | 'feature';

/** A UI entry is shown only to users holding `permission`. */
export interface UiEntry {
  id: string;
  label: string;
  /** Route path inside the admin app (`/admin/...`) or the portal (`/client/...`). */
  path: string;
  permission: string;
  icon?: string;
  order?: number;
}

/**
 * Other origins a plugin's browser code needs (`https://host[:port]`, no path), declared so the
 * pages' Content-Security-Policy allows them and staff can review them at install: `scripts` it
 * loads with `host.loadScript`, `frames` those scripts open, `connect` hosts they call.
 */
export interface UiExternalOrigins {
  scripts?: string[];
  frames?: string[];
  connect?: string[];
}

/**
 * A portal page anybody may open, without a session (`/client/kb`): the portal shell routes its
 * path before sign-in and shows the component the plugin's UI module gives with
 * `host.addPublicPage` (in the `public` area), framed with the tenant's branding and a "Sign in"
 * link. Its data must come from `public: true` routes: no permission, no principal.
 */
export interface UiPublicPage {
  id: string;
  label: string;
  /** `/client/...`, params allowed (`/client/kb/:slug`); the same path the UI module registers. */
  path: string;
  order?: number;
}

export interface PluginUi {
  menu?: UiEntry[];
  settingsPages?: UiEntry[];
  dashboardWidgets?: UiEntry[];
  portalPages?: UiEntry[];
  /** Portal pages shown without a session (see `UiPublicPage`). */
  publicPages?: UiPublicPage[];
  externalOrigins?: UiExternalOrigins;
}

/**
 * A plugin's manifest, validated against `plugin.schema.json` when the plugin is loaded.
 * The `id` is the plugin's namespace: it owns its routes, permissions, events, jobs and settings.
 */
export interface PluginManifest {
  /** kebab-case, e.g. `gateway-stripe`. */
  id: string;
  name: string;
  /** semver of the plugin. */
  version: string;
  description?: string;
  author?: string;
  license?: string;
  category?: PluginCategory;
  /** `engines.mpanel`: the semver range of mPanel versions the plugin works with. */
  engines: { mpanel: string };
  /** Plugins that must be loaded (and booted) first: `{ "billing": "^1.0.0" }`. */
  dependencies?: Record<string, string>;
  /** Plugins used when present; loaded first if they are there. */
  optionalDependencies?: Record<string, string>;
  /** Service tokens this plugin provides (`ctx.services.provide`). */
  provides?: { services?: string[] };
  /** Service tokens this plugin may resolve (`ctx.services.resolve`); anything else throws. */
  requires?: { services?: string[] };
  /**
   * Resources the plugin owns besides its id (plural nouns: `invoices`, `credit-notes`). Its
   * permissions (`invoices.read`), emitted events (`invoice.paid`) and routes (`/api/v1/invoices`)
   * must name one of them, or a resource of a plugin it depends on. Another plugin claiming one
   * fails to load; core's resources (`users`, `roles`, `tenants`, ...) are reserved.
   */
  resources?: string[];
  /** Registered at load with the plugin as owner; `defaultRoles` get them on seeding. */
  permissions?: PermissionDefinition[];
  /** Event names this plugin emits / subscribes to (`invoice.paid`). Emitting an undeclared name throws. */
  events?: { emits?: string[]; subscribes?: string[] };
  /**
   * JSON Schema (an object schema) of the per-tenant settings. A property with `"secret": true`
   * is stored encrypted (AES-256-GCM) and never returned by the API.
   */
  settings?: JsonSchema;
  ui?: PluginUi;
  /** Files relative to the plugin folder. Defaults: server `plugin.ts` (or `.js`), migrations `migrations/`. */
  entry?: { server?: string; ui?: string; migrations?: string };
  /** `continue` (default): a failing plugin is marked failed and the platform keeps serving. `abort`: start-up fails. */
  bootFailure?: 'abort' | 'continue';
  [extension: `x-${string}`]: unknown;
}
