/**
 * The hosting API's shapes as the screens use them (plugins/hosting/src: entities, operations).
 * Fields the screens do not read are left out; optional ones may be missing on older rows.
 */

/**
 * A plan's limits: the SDK's `HostingPlanLimits` (sdk/src/extension-points/provisioning.ts),
 * restated because browser code imports only `@mpanel/sdk/ui`. null means unlimited.
 */
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
}

export type ServerStatus = 'enrolling' | 'online' | 'offline' | 'draining' | 'maintenance';
export type OperationStatus = 'queued' | 'running' | 'succeeded' | 'retrying' | 'needs_attention' | 'cancelled' | 'superseded';
export type AccountState = 'active' | 'suspended' | 'terminated';

export interface ServerGroup {
  id: string;
  name: string;
  placement: 'least_full' | 'fill' | 'round_robin' | 'least_load';
  module?: string | null;
}

export interface Server {
  id: string;
  name: string;
  groupId: string | null;
  module: string;
  hostname: string;
  address: string | null;
  port: number | null;
  status: ServerStatus;
  maxAccounts: number | null;
  maxDiskGb: number | null;
  /** Accounts placed on it (active + suspended, every tenant's) and disk promised by their plans: the detail answer only. */
  load?: { accounts: number; allocatedDiskMb: number };
  hasCredentials?: boolean;
  capabilities?: Record<string, unknown> | null;
  facts?: Record<string, unknown> | null;
  lastSeenAt: string | null;
}

export interface Enrollment {
  token: string;
  expiresAt: string;
  command: string;
}

export interface HostingPlan {
  id: string;
  name: string;
  serverGroupId: string | null;
  limits: HostingPlanLimits;
  suspensionPolicy?: SuspensionPolicy | null;
  remotePackage?: string | null;
}

/** What a suspension switches off (true = off); `web`: a 503 page or the sites switched off. */
export interface SuspensionPolicy {
  web?: '503' | 'off';
  sftp?: boolean;
  db?: boolean;
  cron?: boolean;
  mailReceive?: boolean;
}

export interface HostingAccount {
  id: string;
  /** Billing's side: the account's intent and the service's own status. */
  intent?: { state: AccountState; serviceStatus: string | null; suspendReason: string | null };
  inSync?: boolean;
  serviceId: string;
  serverId: string | null;
  planId: string | null;
  username: string | null;
  desiredState: AccountState;
  observedState: string | null;
  observedAt: string | null;
  /** `[{ field, desired, observed, note }]` from the last observation; empty = in sync. */
  drift?: unknown;
  suspendReason?: string | null;
  clientId?: string;
  /** The plan's name and limits, when the API embeds them (the portal reads limits from here). */
  plan?: Pick<HostingPlan, 'id' | 'name' | 'limits'> | null;
  /** What the account holds against the plan's limits (the detail answer). */
  counts?: { sites: number; databases: number; cronJobs: number; mailDomains?: number; mailboxes?: number };
  /** The account's control panel and whether it offers single sign-on (the detail answer). */
  panel?: { name: string; sso: boolean } | null;
  usage?: Record<string, unknown> | null;
  setupProgress?: SetupProgress | null;
  domain?: string | null;
}

/** While the account is being set up (null once done): `{ step, of, label, failed? }`. */
export interface SetupProgress {
  step?: number;
  of?: number;
  label?: string | null;
  failed?: boolean;
}

export interface OperationStep {
  name: string;
  ok: boolean;
  ms?: number;
  detail?: string;
  at?: string;
}

export interface Operation {
  id: string;
  subjectType: string;
  subjectId: string;
  accountId: string | null;
  serverId: string | null;
  action: string;
  status: OperationStatus;
  attempt: number;
  nextAttemptAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  clientMessage?: string | null;
  retryable?: boolean | null;
  ambiguous?: boolean | null;
  steps: OperationStep[] | null;
  triggeredBy?: string | null;
  createdAt: string;
  updatedAt?: string;
}

export interface Website {
  id: string;
  accountId: string;
  domain: string;
  aliases: string[];
  docroot: string | null;
  phpVersion: string | null;
  redirectHttps: boolean;
  state: string;
}

export interface HostingDatabase {
  id: string;
  accountId: string;
  engine: string;
  name: string;
  dbUser: string;
  state: string;
  /** Only in the answer that created it or reset its password: shown once, never stored in plain text. */
  password?: string;
}

export interface SftpUser {
  id: string;
  accountId: string;
  username: string;
  authorizedKeys: string[];
  state: string;
}

export interface CronJob {
  id: string;
  accountId: string;
  schedule: string;
  command: string;
  state: string;
}

export interface Grant {
  id: string;
  groupId: string;
  childTenantId: string;
  maxAccounts: number | null;
  maxDiskMb: number | null;
}
