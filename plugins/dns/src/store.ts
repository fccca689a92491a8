import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError, createTenantDb, type DnsRecordType, type Principal, type TenantDb } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { DEFAULT_TTL, RecordError, normalizeRecordSet, normalizeZoneName, recordName, type RecordSetInput } from './records.ts';

export interface ZoneRow {
  id: string;
  tenant_id: string;
  name: string;
  client_id: string | null;
  owner: string | null;
  nameservers: string[];
  publish_state: 'pending' | 'published' | 'failed';
  last_error: string | null;
  last_error_record: { name: string; type: DnsRecordType } | null;
  published_at: Date | null;
  provider_created: boolean;
  deleted_at: Date | null;
  dnssec_enabled: boolean;
  dnssec_ds: string[];
  created_at: Date;
  updated_at: Date;
}

export interface RecordSetRow {
  id: string;
  zone_id: string;
  name: string;
  type: DnsRecordType;
  ttl: number;
  values: string[];
  created_at: Date;
  updated_at: Date;
}

export interface TemplateRow {
  id: string;
  name: string;
  is_default: boolean;
  nameservers: string[];
  records: Array<{ name: string; type: DnsRecordType; ttl?: number; values: string[] }>;
  created_at: Date;
  updated_at: Date;
}

/** Who made a change, for the zone's history. */
export interface Actor {
  userId: string | null;
  label: string;
}

export function actorOf(p: Principal | null | undefined): Actor {
  if (!p) return { userId: null, label: 'system' };
  if (p.kind === 'system') return { userId: null, label: 'system' };
  return { userId: p.userId, label: p.kind === 'apiKey' ? `api-key:${p.id}` : `user:${p.userId ?? p.id}` };
}

/** A record error as the contract's 400: `{ error, details: { field: message } }`. */
export function fieldError(err: unknown): never {
  if (err instanceof RecordError) throw new ValidationError({ [err.field]: err.message });
  throw err;
}

/** The zone's tenant data helpers bound to one transaction. */
export class ZoneStore {
  readonly db: TenantDb;
  /** Record sets one zone may hold (null: not checked). */
  maxRecordSets: number | null = null;
  constructor(readonly trx: Knex.Transaction, readonly tenantId: string) {
    this.db = createTenantDb(trx, tenantId);
  }

  zones(): Knex.QueryBuilder {
    return this.db('dns_zones').whereNull('dns_zones.deleted_at');
  }

  async zone(id: string): Promise<ZoneRow | undefined> {
    return (await this.zones().where({ id }).first()) as ZoneRow | undefined;
  }

  /** Locks the zone's row: edits of one zone (additive values above all) take turns. */
  async lockZone(id: string): Promise<ZoneRow | undefined> {
    return (await this.zones().where({ id }).forUpdate().first()) as ZoneRow | undefined;
  }

  async zoneByName(name: string): Promise<ZoneRow | undefined> {
    return (await this.zones().where({ name }).first()) as ZoneRow | undefined;
  }

  /** The tenant's zone holding `name` (longest suffix). */
  async findZoneFor(raw: string): Promise<ZoneRow | undefined> {
    const name = raw.trim().toLowerCase().replace(/\.$/, '');
    const labels = name.split('.');
    const candidates = labels.map((_, i) => labels.slice(i).join('.')).filter((c) => c.includes('.'));
    if (!candidates.length) return undefined;
    const rows = (await this.zones().whereIn('name', candidates).select('*')) as ZoneRow[];
    return rows.sort((a, b) => b.name.length - a.name.length)[0];
  }

  async recordSets(zoneId: string): Promise<RecordSetRow[]> {
    return (await this.db('dns_record_sets').where({ zone_id: zoneId }).orderBy(['name', 'type']).select('*')) as RecordSetRow[];
  }

  async recordSet(zoneId: string, name: string, type: DnsRecordType): Promise<RecordSetRow | undefined> {
    return (await this.db('dns_record_sets').where({ zone_id: zoneId, name, type }).first()) as RecordSetRow | undefined;
  }

  async history(zone: ZoneRow, actor: Actor, action: string, change: { name?: string; type?: string; before?: unknown; after?: unknown } = {}): Promise<void> {
    await this.db.insert('dns_zone_changes', {
      // clock_timestamp: the changes of one transaction keep their order in the history.
      zone_id: zone.id, user_id: actor.userId, actor: actor.label, action, created_at: this.trx.raw('clock_timestamp()'),
      name: change.name ?? null, type: change.type ?? null,
      before: change.before === undefined ? null : JSON.stringify(change.before),
      after: change.after === undefined ? null : JSON.stringify(change.after),
    });
  }

  /** Queues the set for publication (a new revision: a publish running now leaves it queued). */
  async markPending(zone: ZoneRow, name: string, type: string): Promise<void> {
    await this.trx.raw(
      `INSERT INTO dns_pending_changes (tenant_id, zone_id, name, type, rev) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (zone_id, name, type) DO UPDATE SET rev = EXCLUDED.rev, updated_at = now()`,
      [this.tenantId, zone.id, name, type, randomUUID()],
    );
    await this.db('dns_zones').where({ id: zone.id }).update({ publish_state: 'pending', updated_at: this.trx.fn.now() });
  }

  /** CNAME exclusivity: a CNAME shares its name with nothing, and nothing joins a CNAME. */
  private async checkCname(zone: ZoneRow, set: RecordSetInput): Promise<void> {
    const others = (await this.db('dns_record_sets').where({ zone_id: zone.id, name: set.name }).whereNot({ type: set.type }).pluck('type')) as string[];
    if (set.type === 'CNAME' && others.length) throw new RecordError('type', `${set.name} already has ${others.join(', ')} records; a CNAME cannot share its name`);
    if (set.type !== 'CNAME' && others.includes('CNAME')) throw new RecordError('name', `${set.name} is a CNAME; it cannot have other records`);
  }

  /** Writes a whole record set (created or replaced), with history and publication. */
  async putRecordSet(zone: ZoneRow, input: { name: string; type: DnsRecordType; ttl?: number; values: string[] }, actor: Actor, mode: 'create' | 'replace' | 'upsert'): Promise<RecordSetRow> {
    let set: RecordSetInput;
    try {
      set = normalizeRecordSet(zone.name, input);
      await this.checkCname(zone, set);
    } catch (err) {
      fieldError(err);
    }
    const before = await this.recordSet(zone.id, set.name, set.type);
    if (!before && this.maxRecordSets !== null) {
      const [{ n }] = (await this.db('dns_record_sets').where({ zone_id: zone.id }).count({ n: '*' })) as [{ n: string | number }];
      if (Number(n) >= this.maxRecordSets) throw new ConflictError(`The zone has ${this.maxRecordSets} record sets, the most allowed`, { name: `the zone holds at most ${this.maxRecordSets} record sets` });
    }
    if (before && mode === 'create') throw new ConflictError(`${set.name} already has ${set.type} records; edit that record set`, { name: `already has ${set.type} records` });
    let row: RecordSetRow | undefined;
    if (before) {
      [row] = (await this.db('dns_record_sets').where({ id: before.id }).update({ ttl: set.ttl, values: JSON.stringify(set.values), updated_at: this.trx.fn.now() }).returning('*')) as RecordSetRow[];
    } else {
      [row] = await this.db.insert<RecordSetRow>('dns_record_sets', { zone_id: zone.id, name: set.name, type: set.type, ttl: set.ttl, values: JSON.stringify(set.values) });
    }
    await this.history(zone, actor, before ? 'record.updated' : 'record.created', { name: set.name, type: set.type, before: before ? setJson(before) : undefined, after: setJson(row!) });
    await this.markPending(zone, set.name, set.type);
    return row!;
  }

  async deleteRecordSet(zone: ZoneRow, row: RecordSetRow, actor: Actor): Promise<void> {
    await this.db('dns_record_sets').where({ id: row.id }).delete();
    await this.history(zone, actor, 'record.deleted', { name: row.name, type: row.type, before: setJson(row) });
    await this.markPending(zone, row.name, row.type);
  }

  /** Creates a zone row (409 when the name is taken here or by another tenant), its records from a template. */
  async createZone(input: { name: string; clientId?: string | null; owner?: string | null; template?: TemplateRow | null; variables?: Record<string, string>; nameservers?: string[]; nestAcrossClients?: boolean }, actor: Actor): Promise<ZoneRow> {
    let name: string;
    try {
      name = normalizeZoneName(input.name);
    } catch (err) {
      fieldError(err);
    }
    if (input.clientId && !(await this.db('clients').where({ id: input.clientId }).first('id'))) throw new ValidationError({ clientId: 'is not a client of this tenant' });
    if (await this.zoneByName(name)) throw new ConflictError(`The zone ${name} exists`, { name: 'already exists' });
    // Within the tenant, a zone inside or above another client account's zone would take over its
    // names on the shared DNS servers: only staff may nest zones across accounts.
    if (!input.nestAcrossClients) {
      const overlap = (await this.zones()
        .where((w) => w.whereRaw("right(?, length(name) + 1) = '.' || name", [name]).orWhereRaw("right(name, length(?) + 1) = '.' || ?", [name, name]))
        .select('name', 'client_id')) as Array<{ name: string; client_id: string | null }>;
      const foreign = overlap.find((z) => z.client_id !== (input.clientId ?? null));
      if (foreign) throw new ConflictError(`The zone ${name} overlaps ${foreign.name}, which belongs to another account`, { name: `overlaps ${foreign.name} of another account` });
    }
    const nameservers = (input.nameservers ?? input.template?.nameservers ?? []).map((ns) => ns.replace(/\.$/, '').toLowerCase());
    let zone: ZoneRow;
    try {
      // A savepoint: a refused name (another tenant's) must not abort the caller's transaction.
      zone = await this.trx.transaction(async (sp) => {
        const [row] = (await sp('dns_zones').insert({ tenant_id: this.tenantId, name, client_id: input.clientId ?? null, owner: input.owner ?? null, nameservers: JSON.stringify(nameservers) }).returning('*')) as ZoneRow[];
        return row!;
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ConflictError(`The zone ${name} is not available`, { name: 'is taken, or is inside or above a zone of another account' });
      throw err;
    }
    await this.history(zone, actor, 'zone.created', { after: { name, nameservers } });
    if (nameservers.length) await this.putRecordSet(zone, { name: '@', type: 'NS', ttl: DEFAULT_TTL, values: nameservers }, actor, 'upsert');
    for (const [i, record] of (input.template?.records ?? []).entries()) {
      const values = record.values.map((v) => fill(v, { domain: name, ...input.variables }, `records[${i}]`));
      try {
        await this.putRecordSet(zone, { ...record, name: fill(record.name, { domain: name, ...input.variables }, `records[${i}]`), values }, actor, 'upsert');
      } catch (err) {
        if (err instanceof ValidationError) throw new ValidationError({ template: `record ${i + 1} (${record.type} ${record.name}): ${Object.values((err as ValidationError).details ?? {}).join('; ')}` });
        throw err;
      }
    }
    return (await this.zone(zone.id))!;
  }

  async defaultTemplate(): Promise<TemplateRow | undefined> {
    return (await this.db('dns_zone_templates').where({ is_default: true }).first()) as TemplateRow | undefined;
  }

  /** Soft-deletes the zone and queues its removal at the provider (the name stays taken until then). */
  async deleteZone(zone: ZoneRow, actor: Actor): Promise<void> {
    await this.history(zone, actor, 'zone.deleted', { before: { name: zone.name } });
    await this.db('dns_zones').where({ id: zone.id }).update({ deleted_at: this.trx.fn.now(), publish_state: 'pending', updated_at: this.trx.fn.now() });
  }

  /** Adds one value to a set (creating it), under the zone's row lock. */
  async addValue(zone: ZoneRow, input: { name: string; type: DnsRecordType; value: string; ttl?: number }, actor: Actor): Promise<void> {
    await this.lockZone(zone.id);
    const name = safeName(input.name, zone.name);
    const existing = await this.recordSet(zone.id, name, input.type);
    const values = existing ? existing.values : [];
    const set = { name: `${name}.`, type: input.type, ttl: input.ttl ?? existing?.ttl ?? DEFAULT_TTL, values: [...values, input.value] };
    try {
      const normalized = normalizeRecordSet(zone.name, { ...set, values: [input.value] });
      if (values.includes(normalized.values[0]!)) return;
    } catch (err) {
      fieldError(err);
    }
    await this.putRecordSet(zone, set, actor, 'upsert');
  }

  async removeValue(zone: ZoneRow, input: { name: string; type: DnsRecordType; value: string }, actor: Actor): Promise<void> {
    await this.lockZone(zone.id);
    const name = safeName(input.name, zone.name);
    const existing = await this.recordSet(zone.id, name, input.type);
    if (!existing) return;
    let value: string;
    try {
      value = normalizeRecordSet(zone.name, { name: `${name}.`, type: input.type, values: [input.value] }).values[0]!;
    } catch (err) {
      fieldError(err);
    }
    const rest = existing.values.filter((v) => v !== value);
    if (rest.length === existing.values.length) return;
    if (!rest.length) await this.deleteRecordSet(zone, existing, actor);
    else await this.putRecordSet(zone, { name: `${name}.`, type: input.type, ttl: existing.ttl, values: rest }, actor, 'replace');
  }
}

function safeName(raw: string, zone: string): string {
  try {
    return recordName(raw.endsWith('.') ? raw : `${raw}.`, zone);
  } catch (err) {
    fieldError(err);
  }
}

/** `{{ip}}` → the variable's value; an unknown variable is a clear error. */
export function fill(text: string, variables: Record<string, string>, field: string): string {
  return text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_m, key: string) => {
    const value = variables[key];
    if (value === undefined) throw new ValidationError({ [field]: `the template needs the variable "${key}"` });
    return value;
  });
}

export function setJson(r: RecordSetRow): { id: string; name: string; type: DnsRecordType; ttl: number; values: string[] } {
  return { id: r.id, name: r.name, type: r.type, ttl: r.ttl, values: r.values };
}
