import { Model, snakeCaseMappers, type ModelConstructor, type PartialModelObject, type QueryBuilderType } from 'objection';
import { NotFoundError, type TenantDb } from '@mpanel/sdk';

/**
 * The hosting models' base. A model is never bound to a global knex: every query runs on the
 * request's (or job's) transaction, where core has already set the tenant context and the app
 * role, so row-level security applies to Objection's queries as to any other. `scoped(db)` adds
 * lock 1 (the tenant filter in the data layer) on top; `insertFor(db, ...)` stamps `tenant_id`.
 */
export class HostingModel extends Model {
  id!: string;
  tenantId!: string;
  createdAt!: Date;
  updatedAt!: Date;

  static override get columnNameMappers() {
    return snakeCaseMappers();
  }

  /** This tenant's rows, on the transaction of `db`. */
  static scoped<M extends Model>(this: ModelConstructor<M>, db: TenantDb): QueryBuilderType<M> {
    const cls = this as unknown as typeof Model;
    return cls.query(db.trx).where(`${cls.tableName}.tenant_id`, db.tenantId) as unknown as QueryBuilderType<M>;
  }

  /** This tenant's row `id`, or a 404 (another tenant's record is a 404 too: row-level security hides it). */
  static async findOwn<M extends Model>(this: ModelConstructor<M>, db: TenantDb, id: string): Promise<M> {
    const row = await (this as unknown as typeof HostingModel).scoped(db).findById(id);
    if (!row) throw new NotFoundError();
    return row as unknown as M;
  }

  /** Inserts one row of this tenant (any `tenantId` given is overwritten) and returns it. */
  static async insertFor<M extends Model>(this: ModelConstructor<M>, db: TenantDb, data: PartialModelObject<M> | Record<string, unknown>): Promise<M> {
    const cls = this as unknown as typeof Model;
    return (await cls.query(db.trx).insert({ ...data, tenantId: db.tenantId }).returning('*')) as unknown as M;
  }

  override $beforeUpdate(): void {
    this.updatedAt = new Date();
  }
}
