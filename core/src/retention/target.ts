import type { Knex } from 'knex';
import type { RetentionTargetDefinition } from '@mpanel/sdk';

/** Rows of one batch handed over before they are deleted (the audit archive); throwing keeps them. */
export type BeforeDelete = (rows: Array<Record<string, unknown>>, trx: Knex.Transaction) => Promise<void>;

/**
 * A retention target as core runs it: the SDK's definition plus what only core may say. `name` is
 * the full name (`audit_logs`, `<plugin>.<name>`), also the key of its env variables and of the
 * tenant's setting.
 */
export interface RetentionTarget extends Omit<RetentionTargetDefinition, 'finishedWhen'> {
  /** `core` or the plugin id. */
  owner: string;
  /** Primary key column (default `id`). */
  key?: string;
  /**
   * Which rows are finished, as SQL over the table aliased `t` (core's own targets only: a plugin
   * states it declaratively, and nothing a plugin writes reaches SQL text unchecked).
   */
  finishedSql?: string;
  finishedWhen?: RetentionTargetDefinition['finishedWhen'];
  /** Select every column of a batch and hand the rows over before deleting them. */
  beforeDelete?: BeforeDelete;
}

export const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** `RETENTION_DAYS_<this>`: the name upper-cased, anything else than letters and digits as `_`. */
export function envKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
