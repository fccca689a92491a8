import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';
import type { Knex } from 'knex';
import { serviceRef } from '../services.ts';

export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SRV' | 'CAA' | 'PTR';

/** One record set: all values of a (name, type) pair. Names are fully qualified with a trailing dot. */
export interface DnsRecordSet {
  name: string;
  type: DnsRecordType;
  ttl: number;
  /** In zone-file presentation (`10 mail.example.com.` for MX). */
  values: string[];
}

export interface DnsZone {
  /** `example.com.` */
  name: string;
  /** Provider's id for the zone. */
  id?: string;
  nameservers?: string[];
}

/** An authoritative DNS host (PowerDNS, Cloudflare, Route 53). Upserts replace the whole record set. */
export interface DnsProvider<TSettings = Record<string, unknown>> {
  displayName: string;
  listZones(ctx: ExtensionCallContext<TSettings>): Promise<DnsZone[]>;
  /** Creating a zone that already exists succeeds (idempotent). */
  createZone(ctx: ExtensionCallContext<TSettings>, zone: string, nameservers?: string[]): Promise<DnsZone>;
  deleteZone(ctx: ExtensionCallContext<TSettings>, zone: string): Promise<void>;
  listRecords(ctx: ExtensionCallContext<TSettings>, zone: string): Promise<DnsRecordSet[]>;
  upsertRecordSet(ctx: ExtensionCallContext<TSettings>, zone: string, recordSet: DnsRecordSet): Promise<void>;
  deleteRecordSet(ctx: ExtensionCallContext<TSettings>, zone: string, name: string, type: DnsRecordType): Promise<void>;
  testConnection(ctx: ExtensionCallContext<TSettings>): Promise<ConnectionTestResult>;
  /** When the provider signs zones. */
  dnssec?: DnssecSupport<TSettings>;
}

/** DNSSEC state of a published zone: the DS records are what the client gives its registrar. */
export interface DnssecStatus {
  enabled: boolean;
  /** DS records in presentation format (`example.com. IN DS 12345 13 2 ABCD…`). */
  ds: string[];
  /** DNSKEY records in presentation format. */
  dnskeys?: string[];
}

/** Optional DNSSEC support of a provider (PowerDNS: `dnssec:true` + cryptokeys). */
export interface DnssecSupport<TSettings = Record<string, unknown>> {
  enable(ctx: ExtensionCallContext<TSettings>, zone: string): Promise<DnssecStatus>;
  disable(ctx: ExtensionCallContext<TSettings>, zone: string): Promise<void>;
  status(ctx: ExtensionCallContext<TSettings>, zone: string): Promise<DnssecStatus>;
}

export type DnsProviderErrorCode =
  /** The provider refused a record or zone (PowerDNS 422): not retried, shown next to the field. */
  | 'INVALID'
  /** The zone exists and belongs to someone else at the provider. */
  | 'CONFLICT'
  | 'NOT_FOUND'
  /** Wrong API key or not allowed: not retried. */
  | 'AUTH'
  /** Down, timed out, 5xx, rate limited: the change stays queued and is retried. */
  | 'UNAVAILABLE';

/** What a DnsProvider throws so the dns plugin can tell "fix your input" from "try again later". */
export class DnsProviderError extends Error {
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly code: DnsProviderErrorCode,
    /** Which record the provider refused, when it says (`{ name, type }`), for a field error. */
    readonly record?: { name: string; type: DnsRecordType },
  ) {
    super(message);
    this.name = 'DnsProviderError';
    this.retryable = code === 'UNAVAILABLE';
  }
}

/**
 * Zones and records as other plugins use them (hosting, ssl, mail, white-label), provided by the
 * `dns` plugin under `dnsZonesRef`. mPanel's database is the source of truth: these calls change
 * rows inside the caller's transaction and queue the publication, which runs after commit (and is
 * retried while the provider is down). Adding or removing one value of a record set is additive
 * and serialised per zone in the database, so two ACME authorizations can each put their own TXT
 * value on `_acme-challenge` at once.
 */
export interface DnsZones {
  /** The tenant's hosted zone that contains `name` (longest suffix match), or null. */
  findZoneFor(name: string): Promise<{ id: string; name: string } | null>;
  /** Creates the zone (from the tenant's template when `fromTemplate`), or returns the tenant's existing one. */
  ensureZone(input: {
    name: string;
    fromTemplate?: boolean;
    /** Template variables, e.g. `{ ip: '203.0.113.7' }` for `@ A {{ip}}`. */
    variables?: Record<string, string>;
    clientId?: string | null;
    /** Who created it (`hosting-account:<id>`): `removeZonesOwnedBy` removes only these. */
    owner?: string | null;
  }): Promise<{ id: string; name: string; created: boolean }>;
  removeZonesOwnedBy(owner: string): Promise<number>;
  /** Adds one value to a record set (creating it), keeping the other values. */
  addValue(input: { name: string; type: DnsRecordType; value: string; ttl?: number }): Promise<void>;
  /** Removes one value; an empty set is deleted. */
  removeValue(input: { name: string; type: DnsRecordType; value: string }): Promise<void>;
}

export interface DnsZonesService {
  forTenant(trx: Knex.Transaction, tenantId: string): DnsZones;
  /**
   * Publishes what is queued for the zone now (outside any transaction) and resolves once the
   * provider has it, for callers that must wait (dns-01 before asking the CA). Throws the provider's
   * error when it is down; the change stays queued.
   */
  publishNow(tenantId: string, zoneName: string): Promise<void>;
}

export const dnsZonesRef = serviceRef<DnsZonesService>('dns.zones');
