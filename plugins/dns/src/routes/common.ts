import { NotFoundError, assertClientOwns, can, type DnsRecordType, type Principal, ForbiddenError } from '@mpanel/sdk';
import { CLIENT_TYPES, RECORD_TYPES, TTL_MAX, TTL_MIN, relativeName } from '../records.ts';
import type { RecordSetRow, ZoneRow, ZoneStore } from '../store.ts';

export const tags = ['dns'];
export const uuid = { type: 'string', format: 'uuid' } as const;
export const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: uuid } } as const;
export const recordParams = { type: 'object', required: ['id', 'recordId'], additionalProperties: false, properties: { id: uuid, recordId: uuid } } as const;
export const recordFields = {
  name: { type: 'string', minLength: 1, maxLength: 253 },
  type: { enum: RECORD_TYPES },
  ttl: { type: 'integer', minimum: TTL_MIN, maximum: TTL_MAX },
  values: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 4000 } },
} as const;

/** The zone by id, as the caller may see it: another tenant's or another client's is a 404. */
export async function visibleZone(store: ZoneStore, principal: Principal | null, id: string): Promise<ZoneRow> {
  const zone = await store.zone(id);
  if (!zone) throw new NotFoundError('Zone not found');
  assertClientOwns(principal ?? undefined, zone.client_id);
  return zone;
}

/** Same, locked for an edit. */
export async function editableZone(store: ZoneStore, principal: Principal | null, id: string): Promise<ZoneRow> {
  await visibleZone(store, principal, id);
  return (await store.lockZone(id))!;
}

export function mayEditType(principal: Principal | null, type: DnsRecordType): boolean {
  return CLIENT_TYPES.has(type) || can(principal ?? undefined, 'dns.records.protected');
}

/** NS and PTR (and any type outside the client list) need `dns.records.protected`. */
export function assertMayEditType(principal: Principal | null, type: DnsRecordType): void {
  if (!mayEditType(principal, type)) throw new ForbiddenError(`${type} records may be changed by staff only (permission dns.records.protected)`);
}

export function zoneJson(z: ZoneRow) {
  return {
    id: z.id, name: z.name, clientId: z.client_id, owner: z.owner, nameservers: z.nameservers,
    publication: { state: z.publish_state, error: z.last_error, record: z.last_error_record, publishedAt: z.published_at },
    dnssec: { enabled: z.dnssec_enabled, ds: z.dnssec_ds },
    createdAt: z.created_at, updatedAt: z.updated_at,
  };
}

export function recordJson(r: RecordSetRow, zone: ZoneRow, principal: Principal | null) {
  return { id: r.id, zoneId: r.zone_id, name: r.name, relativeName: relativeName(r.name, zone.name), type: r.type, ttl: r.ttl, values: r.values, editable: mayEditType(principal, r.type), updatedAt: r.updated_at };
}
