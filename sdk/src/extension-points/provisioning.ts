import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';
import type { JsonSchema } from '../routes.ts';

/**
 * ProvisioningModule v2 (HOSTING.md §6.2): a backend that creates hosting accounts on servers
 * (mpanel-agent, cPanel/WHM, HestiaCP...). The hosting plugin owns intent, operations, retries and
 * reconciliation; a module only talks to its server and says precisely what happened.
 */

/** The server a hosting account lives on (from the hosting plugin's server inventory). */
export interface ProvisioningServer {
  id: string;
  tenantId?: string;
  name?: string;
  hostname: string;
  ipAddress?: string;
  port?: number;
  secure?: boolean;
  username?: string;
  /** Decrypted credentials: password, API token, access hash. */
  credentials: Record<string, string>;
  /** What the server reported about itself (versions, PHP versions, IPs). */
  facts?: Record<string, unknown>;
}

/** The service being acted on, with the product's module configuration. */
export interface ProvisioningAccount {
  serviceId: string;
  clientId: string;
  /** The hosting account's own id (hosting plugin), when there is one. */
  accountId?: string;
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

/** A hosting plan's limits, sent to backends that enforce them. `null` is unlimited. */
export interface HostingPlanLimits {
  diskMb: number | null;
  inodes?: number | null;
  bandwidthMb?: number | null;
  sites: number | null;
  databases: number | null;
  mailDomains?: number | null;
  mailboxes?: number | null;
  mailboxQuotaMb?: number | null;
  cronJobs?: number | null;
  phpVersions: string[];
  phpMaxChildren: number;
  memoryMb: number | null;
  /** The package name on a remote panel (cPanel/Hestia), when the backend has packages. */
  remotePackage?: string | null;
}

export type ProvisioningAction =
  | 'create' | 'suspend' | 'unsuspend' | 'terminate' | 'changePackage' | 'changePassword' | 'renew' | 'reconcile'
  | 'resource.ensure' | 'resource.remove';

/** Codes the platform can act on. Retryable by default: UNREACHABLE, TIMEOUT, RATE_LIMITED, REMOTE_UNAVAILABLE. */
export type ProvisioningErrorCode =
  | 'UNREACHABLE' | 'TIMEOUT' | 'RATE_LIMITED' | 'REMOTE_UNAVAILABLE'
  | 'AUTH' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CONFLICT' | 'CAPACITY'
  | 'INVALID_PACKAGE' | 'INVALID_INPUT' | 'UNSUPPORTED' | 'REMOTE_ERROR';

export const RETRYABLE_PROVISIONING_CODES: readonly ProvisioningErrorCode[] = ['UNREACHABLE', 'TIMEOUT', 'RATE_LIMITED', 'REMOTE_UNAVAILABLE'];

export interface ProvisioningErrorOptions {
  /** Default from the code (see RETRYABLE_PROVISIONING_CODES). */
  retryable?: boolean;
  /** The remote may have applied it (timeout after sending): the platform calls observe() before retrying. */
  ambiguous?: boolean;
  retryAfterMs?: number;
  /** Raw remote response, redacted, for the operation log. */
  detail?: unknown;
  /** Safe text for the portal; the portal shows a neutral message when absent. */
  clientMessage?: string;
}

/**
 * What a module throws. The message is for staff and must say what to do
 * ("Package 'gold' does not exist on web2: create it there or pick another in the plan").
 */
export class ProvisioningError extends Error {
  readonly retryable: boolean;
  readonly ambiguous: boolean;
  constructor(
    message: string,
    readonly code: ProvisioningErrorCode,
    readonly opts: ProvisioningErrorOptions = {},
  ) {
    super(message);
    this.name = 'ProvisioningError';
    this.retryable = opts.retryable ?? RETRYABLE_PROVISIONING_CODES.includes(code);
    this.ambiguous = opts.ambiguous ?? false;
  }
}

export interface OperationStep {
  name: string;
  ok: boolean;
  ms?: number;
  request?: unknown;
  response?: unknown;
  detail?: string;
}

export interface OperationContext {
  id: string;
  action: ProvisioningAction;
  attempt: number;
  /** Stable across retries of the same intent; pass it to remotes that accept one. */
  idempotencyKey: string;
  deadline: Date;
  /** Aborted when the operation is cancelled or the worker stops. */
  signal?: AbortSignal;
  /** WHMCS logModuleCall analogue: stored on the operation's steps, secrets redacted by key name. */
  step(name: string, data: { request?: unknown; response?: unknown; ok: boolean; ms?: number; detail?: string }, redact?: string[]): void;
}

export interface ServerCall<TSettings = Record<string, unknown>> extends ExtensionCallContext<TSettings> {
  server: ProvisioningServer;
}

export interface ProvisioningCall<TSettings = Record<string, unknown>> extends ServerCall<TSettings> {
  account: ProvisioningAccount;
  plan?: HostingPlanLimits;
  operation: OperationContext;
}

/** Success, possibly with values to store on the account (remote id, generated username). */
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
  email?: string;
  status: 'active' | 'suspended';
  packageName?: string;
  createdAt?: string;
  diskUsedMb?: number;
}

export interface AccountUsage {
  diskUsedMb?: number;
  diskLimitMb?: number | null;
  bandwidthUsedMb?: number;
  bandwidthLimitMb?: number | null;
  /** Any other counters (email accounts, databases). */
  extra?: Record<string, number>;
}

/** What the server really has for an account. */
export interface ObservedAccount {
  exists: boolean;
  status?: 'active' | 'suspended';
  username?: string;
  domain?: string;
  packageName?: string;
  usage?: AccountUsage;
  remote?: Record<string, unknown>;
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

export type ResourceKind = 'site' | 'database' | 'mailDomain' | 'mailbox' | 'mailAlias' | 'cron' | 'sftpUser' | 'certificate';
export type ResourceState = 'active' | 'suspended';

export type DesiredResource =
  | { kind: 'site'; id: string; domain: string; aliases: string[]; docroot: string;
      php: { version: string; maxChildren: number } | null;
      /**
       * null: no HTTPS. Omitted: the server keeps the certificate it has (a certificate plugin
       * installs and renews it through `certificates.install`), with `forceHttps` applied to it.
       */
      tls?: { certPem: string; keyPem: string; forceHttps: boolean } | null;
      /** With `tls` omitted: redirect HTTP to HTTPS while the site has a certificate. */
      forceHttps?: boolean;
      state: ResourceState }
  | { kind: 'database'; id: string; engine: 'mariadb' | 'postgresql'; name: string; user: string; password?: string; maxConnections?: number; state: ResourceState }
  | { kind: 'mailDomain'; id: string; domain: string; dkim: { selector: string; privateKeyPem: string } | null; catchAll?: string; state: ResourceState }
  | { kind: 'mailbox'; id: string; domain: string; localPart: string;
      /** A Dovecot scheme-prefixed hash (`{ARGON2ID}…`, `{BLF-CRYPT}…`); the password itself never leaves the panel. */
      passwordHash: string; quotaMb: number;
      /** Messages per hour this mailbox may send through submission (null: the account's limit only). */
      sendLimitPerHour?: number | null;
      autoresponder?: { subject: string; body: string; from: string | null; until: string | null } | null;
      /** Suspended: login refused; incoming mail kept (`keep`) or bounced (`bounce`). */
      suspendPolicy?: 'keep' | 'bounce';
      state: ResourceState }
  | { kind: 'mailAlias'; id: string; domain: string;
      /** `*` for the domain's catch-all. */
      localPart: string;
      /** Mailboxes on this server or outside addresses. */
      targets: string[]; state: ResourceState }
  | { kind: 'cron'; id: string; schedule: string; command: string; state: ResourceState }
  | { kind: 'sftpUser'; id: string; username: string; passwordHash?: string; authorizedKeys: string[]; root: string; state: ResourceState }
  | { kind: 'certificate'; id: string; domain: string; certPem: string; keyPem: string; state: ResourceState };

export interface ObservedResource {
  kind: ResourceKind;
  id: string;
  exists: boolean;
  state?: ResourceState;
  /** Human-readable differences from the desired state. */
  drift?: string[];
  detail?: Record<string, unknown>;
}

/** A candidate server for placement, with how full it is. */
export interface PlacementCandidate {
  server: ProvisioningServer;
  accounts: number;
  maxAccounts: number | null;
  load?: number;
}

/**
 * A provisioning module (mpanel-agent, cPanel/WHM, HestiaCP, a VPS API). Provide it with
 * `ctx.extensions.provide(extensionPoints.provisioning, '<module id>', module)`.
 *
 * Every call must converge and be safe to repeat: creating an account that exists with the same
 * owner succeeds, suspending a suspended account succeeds. Throw `ProvisioningError` with the code
 * that says what happened; a timeout after the request was sent is `ambiguous` so the platform
 * observes before retrying instead of failing with "already exists".
 */
export interface ProvisioningModule<TSettings = Record<string, unknown>> {
  displayName: string;
  capabilities: {
    changePassword: boolean;
    sso: boolean;
    listAccounts: boolean;
    usage: boolean;
    /** Fine-grained resources this backend manages itself (agent: all; cPanel: some; none: []). */
    resources: ResourceKind[];
  };
  /** Schema of the product's `provisioning.config` for the product editor. */
  packageConfigSchema?: JsonSchema;
  /** Packages that exist on a server, for the plan editor (a missing package is caught when the plan is saved). */
  listPackages?(ctx: ServerCall<TSettings>): Promise<Array<{ id: string; label: string }>>;
  testConnection(ctx: ServerCall<TSettings>): Promise<ConnectionTestResult & { version?: string; facts?: Record<string, unknown> }>;
  /** What the server really has for this account: after ambiguous failures, by reconcile, by "Verify". */
  observe(ctx: ProvisioningCall<TSettings>): Promise<ObservedAccount>;
  /** Optional choice among the group's candidates; the group's placement rule otherwise. */
  place?(ctx: ExtensionCallContext<TSettings>, candidates: PlacementCandidate[]): Promise<string | null>;

  create(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  suspend(ctx: ProvisioningCall<TSettings>, reason?: string): Promise<ProvisioningResult>;
  unsuspend(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  terminate(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  /** Up/downgrade to the plan in `plan` / `account.packageConfig`. */
  changePackage(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  changePassword?(ctx: ProvisioningCall<TSettings>, newPassword: string): Promise<ProvisioningResult>;
  /** Called on each paid renewal (modules that track expiry remotely). */
  renew?(ctx: ProvisioningCall<TSettings>): Promise<ProvisioningResult>;
  /** Accounts on the server, for import and reconciliation. */
  listAccounts?(ctx: ServerCall<TSettings>): Promise<RemoteAccount[]>;
  /** Usage of every account on a server (WHMCS UsageUpdate). */
  usage?(ctx: ServerCall<TSettings>): Promise<Array<{ username: string; usage: AccountUsage }>>;
  /** Single sign-on into the panel as the account (client) or as admin on the server. */
  sso?(ctx: ProvisioningCall<TSettings>, as: 'client' | 'admin'): Promise<SsoResult>;
  /**
   * Staff's single sign-on into the server's own admin panel (WHM as the API token's user), with
   * no account involved: the server page's "Log in to the panel as admin".
   */
  adminSso?(ctx: ServerCall<TSettings>): Promise<SsoResult>;
  /** Extra buttons (reboot, reset SSH key...), keyed by action id. */
  customActions?: Record<string, CustomAction<TSettings>>;
  /**
   * Certificates on a site (optional): ACME http-01 tokens in the site's root-owned challenge
   * directory, and installing a certificate so the site's HTTPS listener serves it.
   */
  certificates?: {
    putChallenge(ctx: ProvisioningCall<TSettings>, input: { siteId: string; token: string; keyAuthorization: string }): Promise<void>;
    removeChallenge(ctx: ProvisioningCall<TSettings>, input: { siteId: string; token: string }): Promise<void>;
    install(ctx: ProvisioningCall<TSettings>, input: { siteId: string; domain: string; certPem: string; keyPem: string; forceHttps?: boolean }): Promise<void>;
    /**
     * A certificate for the SERVER itself, not a site (optional): the host names mail clients and
     * MX point at. The server's services that present the host name (Postfix on 25/587, Dovecot
     * IMAPS/POP3S) serve the pair after a validated reload; a pair that does not match, does not
     * cover `names` or has expired is refused and the previous one stays. Same pair twice: no
     * reload (`changed: false`).
     */
    installServer?(ctx: ServerCall<TSettings>, input: { names: string[]; certPem: string; keyPem: string }): Promise<{ changed: boolean }>;
  };
  /** Desired-state resources inside an account (sites, databases, SFTP users, cron, mail...). */
  resources?: {
    ensure(ctx: ProvisioningCall<TSettings>, desired: DesiredResource): Promise<ObservedResource>;
    remove(ctx: ProvisioningCall<TSettings>, ref: { kind: ResourceKind; id: string }): Promise<void>;
    observe(ctx: ProvisioningCall<TSettings>, refs?: Array<{ kind: ResourceKind; id: string }>): Promise<ObservedResource[]>;
  };
}
