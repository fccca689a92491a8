import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';

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
}
