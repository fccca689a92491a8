import type { Knex } from 'knex';
import type { RetentionTarget } from './target.ts';

/** Which rows of a target one pass deletes. */
export interface PassScope {
  /** Rows older than this (by the age column). */
  cutoff: Date;
  /** Keyset: the age of the last row the previous batch deleted (rows before it are done). */
  from: Date | null;
  /** Only this tenant's rows (a tenant's own period)... */
  tenantId?: string;
  /** ...or every row except these tenants' (they have their own period). */
  exceptTenants?: string[];
}

export interface BatchResult {
  /** Rows picked (a full batch: there may be more). */
  picked: number;
  deleted: number;
  /** The age of the youngest row deleted: where the next batch starts. */
  last: Date | null;
}

const AGE = '__retention_age';

/** The finished-rows condition of a target, as SQL with bindings. */
function finished(target: RetentionTarget): [string, Knex.RawBinding[]] {
  if (target.finishedSql) return [`(${target.finishedSql})`, []];
  if (target.finishedWhen) return [`t.${target.finishedWhen.column} = ANY(?)`, [target.finishedWhen.in]];
  return ['true', []];
}

/**
 * One batch, one short transaction: picks up to `limit` of the oldest deletable rows through the
 * age column's index (starting at the keyset, so the scan never walks back over rows already
 * deleted in this run), hands them to `beforeDelete` if any, deletes non-cascading children, then
 * the rows by primary key. Rows another transaction holds are skipped, not waited for.
 */
export async function deleteBatch(knex: Knex, target: RetentionTarget, scope: PassScope, limit: number): Promise<BatchResult> {
  const key = target.key ?? 'id';
  const age = target.ageColumn;
  const where: string[] = [`t.${age} < ?`];
  const bindings: Knex.RawBinding[] = [scope.cutoff];
  if (scope.from) {
    where.push(`t.${age} >= ?`);
    bindings.push(scope.from);
  }
  if (scope.tenantId) {
    where.push('t.tenant_id = ?');
    bindings.push(scope.tenantId);
  }
  if (scope.exceptTenants?.length) {
    where.push('(t.tenant_id IS NULL OR t.tenant_id <> ALL(?))');
    bindings.push(scope.exceptTenants);
  }
  const [condition, conditionBindings] = finished(target);
  where.push(condition);
  bindings.push(...conditionBindings, limit);
  const columns = target.beforeDelete ? 't.*' : `t.${key}`;
  return knex.transaction(async (trx) => {
    const picked = await trx.raw(
      `SELECT ${columns}, t.${age} AS ${AGE} FROM ${target.table} t WHERE ${where.join(' AND ')} ORDER BY t.${age} LIMIT ? FOR UPDATE OF t SKIP LOCKED`,
      bindings,
    );
    const rows = picked.rows as Array<Record<string, unknown>>;
    if (rows.length === 0) return { picked: 0, deleted: 0, last: null };
    const ids = rows.map((r) => r[key] as string);
    const last = rows[rows.length - 1]![AGE] as Date;
    if (target.beforeDelete) await target.beforeDelete(rows.map(({ [AGE]: _age, ...row }) => row), trx);
    for (const child of target.children ?? []) await trx.raw(`DELETE FROM ${child.table} WHERE ${child.column} = ANY(?)`, [ids]);
    const gone = await trx.raw(`DELETE FROM ${target.table} WHERE ${key} = ANY(?)`, [ids]);
    return { picked: rows.length, deleted: gone.rowCount as number, last };
  });
}
