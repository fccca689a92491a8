import type { JsonSchema, PluginContext, RouteDefinition } from '@mpanel/sdk';
import type { ModelConstructor } from 'objection';
import type { AccountResource, HostingAccount, HostingPlan, SubjectType } from '../models/index.ts';
import type { LimitKey } from '../plans/limits.ts';
import type { Hosting } from '../routes/common.ts';

export interface SpecContext { h: Hosting; account: HostingAccount; plan: HostingPlan }

/** What a create or change produces: columns, what the caller sees once, what the operation needs beyond the row. */
export interface Built {
  row: Record<string, unknown>;
  /** Shown in this answer only (a generated password). */
  reveal?: Record<string, unknown>;
  /** Added to the operation's desired resource (sealed secrets). */
  secret?: Record<string, unknown>;
}

/**
 * One kind of thing inside a hosting account (websites, databases, SFTP users, cron jobs): the
 * routes, ownership, plan limits and provisioning requests are the same for all (routes/account-resources.ts);
 * a spec says only what differs.
 */
export interface ResourceSpec<M extends AccountResource = AccountResource> {
  /** Route segment and permission resource: `/api/v1/hosting-accounts/:id/<segment>`, `<segment>.read`. */
  segment: 'websites' | 'databases' | 'sftp-users' | 'cron-jobs' | 'mail-domains' | 'mailboxes' | 'mail-aliases';
  /** Permission resource when not the segment (`mail` → `mail.read`, `mail.write`). */
  permission?: string;
  /** Route parameter of one record, e.g. `websiteId`. */
  param: string;
  model: ModelConstructor<M> & typeof AccountResource;
  subjectType: SubjectType;
  /** The plan limit counting these, if any. */
  limit: LimitKey | null;
  noun: string;
  /** The 409 message when a unique index refuses the new row. */
  duplicate: string;
  createBody: JsonSchema;
  patchBody: JsonSchema | null;
  build(ctx: SpecContext, body: Record<string, unknown>, id: string): Promise<Built>;
  patch?(ctx: SpecContext, row: M, body: Record<string, unknown>): Promise<Built>;
  /** The SDK `DesiredResource` the operation carries (state added by the caller). */
  desired(ctx: SpecContext, row: M): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Runs in the create's transaction after its operation is queued (a website's DNS zone). */
  afterCreate?(ctx: SpecContext, row: M): Promise<void>;
  /** Runs in the removal's transaction after its operation is queued (a mail domain's mailboxes and DNS records). */
  afterRemove?(ctx: SpecContext, row: M): Promise<void>;
  /** Routes of this kind beyond CRUD (a database's password reset). */
  extraRoutes?(helpers: ResourceHelpers<M>): RouteDefinition[];
}

export interface ResourceHelpers<M extends AccountResource> {
  plugin: PluginContext;
  /** Loads account (ownership rule), plan and the record, for a route with `:id` and `:<param>`. */
  load(h: Hosting, params: Record<string, string>): Promise<SpecContext & { row: M }>;
  /** Queues the ensure operation of a record whose desired state changed. */
  ensure(ctx: SpecContext, row: M, secret?: Record<string, unknown>): Promise<{ id: string; status: string }>;
}
