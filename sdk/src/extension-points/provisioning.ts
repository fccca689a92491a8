import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';
import type { JsonSchema } from '../routes.ts';

/** The server a hosting account lives on (from the server inventory). */
export interface ProvisioningServer {
  id: string;
  hostname: string;
  ipAddress?: string;
  port?: number;
  secure?: boolean;
  username?: string;
  /** Decrypted credentials: password, API token, access hash. */
  credentials: Record<string, string>;
}

/** The service being acted on, with the product's module configuration. */
export interface ProvisioningAccount {
  serviceId: string;
  clientId: string;
  domain?: string;
  username?: string;
  password?: string;
  /** The product's `provisioning.config` (package name, quotas...). */
  packageConfig: Record<string, unknown>;
  /** Values chosen at order time (configurable options). */
  options?: Record<string, unknown>;
  /** What `create` returned and was stored (remote ids). */
  remote?: Record<string, unknown>;
}

export interface ProvisioningCall<TSettings = Record<string, unknown>> extends ExtensionCallContext<TSettings> {
  server: ProvisioningServer;
  account: ProvisioningAccount;
}

/** Success, possibly with values to store on the service (remote id, generated username). */
export interface ProvisioningResult {
  ok: true;
  message?: string;
  remote?: Record<string, unknown>;
  username?: string;
  password?: string;
}

export interface RemoteAccount {
  username: string;
  domain?: string;
  status: 'active' | 'suspended';
  packageName?: string;
}

export interface AccountUsage {
  diskUsedMb?: number;
  diskLimitMb?: number | null;
  bandwidthUsedMb?: number;
  bandwidthLimitMb?: number | null;
  /** Any other counters (email accounts, databases). */
  extra?: Record<string, number>;
}

export interface SsoResult {
  /** A one-time login URL into the control panel. */
  url: string;
  expiresAt?: string;
}

export interface CustomAction<TSettings = Record<string, unknown>> {
  label: string;
  /** Who may run it, e.g. `services.manage`; clients see it in the portal when they hold it. */
  permission: string;
  /** Input for the action form. */
  schema?: JsonSchema;
  run(ctx: ProvisioningCall<TSettings>, input: Record<string, unknown>): Promise<ProvisioningResult>;
}

/**
 * A provisioning module (cPanel, Plesk, DirectAdmin, a VPS API): WHMCS's server-module set.
 * Throw an `Error` with a message a technician can act on; the platform records it, emits the
 * `service.<action>Failed` event and keeps the service state unchanged. Every call must be safe to
 * retry (jobs are at-least-once): creating an account that exists with the same owner succeeds.
 */
export interface ProvisioningModule<TSettings = Record<string, unknown>> {
  displayName: string;
  /** Schema of the product's `provisioning.config` for the product editor. */
  packageConfigSchema?: JsonSchema;
  create(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  suspend(ctx: ProvisioningCall<TSettings>, reason?: string): Promise<ProvisioningResult>;
  unsuspend(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  terminate(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  /** Called on each paid renewal (modules that track expiry remotely). */
  renew?(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  /** Up/downgrade to the package in `account.packageConfig`. */
  changePackage(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  changePassword(ctx: ProvisioningCall<TSettings>, newPassword: string): Promise<ProvisioningResult>;
  testConnection(ctx: ExtensionCallContext<TSettings> & { server: ProvisioningServer }): Promise<ConnectionTestResult>;
  /** Accounts on the server, for import and reconciliation. */
  listAccounts?(ctx: ExtensionCallContext<TSettings> & { server: ProvisioningServer }): Promise<RemoteAccount[]>;
  usage?(ctx: ProvisioningCall<TSettings>): Promise<AccountUsage>;
  /** Single sign-on into the panel as the account (client) or as admin on the server. */
  sso?(ctx: ProvisioningCall<TSettings>, as: 'client' | 'admin'): Promise<SsoResult>;
  /** Extra buttons (reboot, reset SSH key...), keyed by action id. */
  customActions?: Record<string, CustomAction<TSettings>>;
}
