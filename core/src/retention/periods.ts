import type { Knex } from 'knex';
import type { RetentionConfig } from './retention-config.ts';
import { MAX_DAYS, type RetentionRegistry } from './registry.ts';
import { envKey, type RetentionTarget } from './target.ts';

/** A target's period as the platform sets it, and the bounds within which a tenant may choose. */
export interface Period {
  days: number;
  tenantSettable: boolean;
  minDays: number;
  maxDays: number;
}

/**
 * Periods: `RETENTION_DAYS_<TARGET>` or the target's default; a tenant's own choice (the
 * `retention_settings` table) only for targets that allow it, and always within the platform's
 * bounds as they are now (a bound tightened after a tenant chose is applied, not ignored).
 */
export class RetentionPeriods {
  constructor(private readonly config: RetentionConfig, private readonly registry: RetentionRegistry) {}

  of(target: RetentionTarget): Period {
    const key = envKey(target.name);
    const minDays = this.config.minDays[key] ?? target.minDays ?? 1;
    const maxDays = Math.max(minDays, this.config.maxDays[key] ?? target.maxDays ?? MAX_DAYS);
    const days = this.config.days[key] ?? target.defaultDays;
    return { days, tenantSettable: target.tenantSettable === true, minDays, maxDays };
  }

  /** The tenants with a period of their own for this target, clamped to the bounds. */
  async tenantPeriods(db: Knex | Knex.Transaction, target: RetentionTarget): Promise<Map<string, number>> {
    const period = this.of(target);
    if (!period.tenantSettable) return new Map();
    const rows = (await db('retention_settings').where({ target: target.name }).select('tenant_id', 'days')) as Array<{ tenant_id: string; days: number }>;
    return new Map(rows.map((r) => [r.tenant_id, Math.min(period.maxDays, Math.max(period.minDays, r.days))]));
  }

  /** RETENTION_* keys that name no registered target: a typo, or a plugin that is not loaded. */
  unknownKeys(): string[] {
    const known = new Set(this.registry.list().map((t) => envKey(t.name)));
    return [...new Set([...Object.keys(this.config.days), ...Object.keys(this.config.minDays), ...Object.keys(this.config.maxDays)])].filter((k) => !known.has(k));
  }
}
