/**
 * Old rows a plugin wants deleted: `ctx.retention.register({...})` in register. Core's retention
 * job deletes them in small batches, off the request path, oldest first by `ageColumn` (index it:
 * that keeps the cost per row flat as the table grows).
 *
 * ```ts
 * ctx.retention.register({
 *   name: 'sync-log', table: 'dns_sync_log', ageColumn: 'created_at', defaultDays: 30,
 *   finishedWhen: { column: 'status', in: ['done', 'failed'] },
 * });
 * ```
 *
 * The period is `RETENTION_DAYS_<PLUGIN>_<NAME>` when set (`RETENTION_DAYS_DNS_SYNC_LOG`), else
 * `defaultDays`; with `tenantSettable` a tenant may choose its own within `minDays`..`maxDays`
 * (`PATCH /api/v1/retention`). The table must have a uuid `id` and a `tenant_id`; a table that
 * does not exist (yet) is skipped. Child rows whose foreign key says ON DELETE CASCADE go with
 * their parent; other children are listed in `children` and deleted first, in the same transaction.
 */
export interface RetentionTargetDefinition {
  /** Kebab or snake case; the target is known as `<plugin id>.<name>`. */
  name: string;
  table: string;
  /** A timestamp column: rows older than the period by it are deleted. */
  ageColumn: string;
  defaultDays: number;
  /** Only rows whose `column` holds one of these values are deleted (unfinished work is kept). */
  finishedWhen?: { column: string; in: string[] };
  /** Tables referencing this one without ON DELETE CASCADE: `{ table, column }` holding the parent's id. */
  children?: Array<{ table: string; column: string }>;
  /** A tenant may choose its own period (`PATCH /api/v1/retention`), within these bounds. */
  tenantSettable?: boolean;
  minDays?: number;
  maxDays?: number;
  /** Shown with the target in `GET /api/v1/retention`. */
  description?: string;
}

export interface PluginRetention {
  /** Declares a retention target (register phase). */
  register(target: RetentionTargetDefinition): void;
}
