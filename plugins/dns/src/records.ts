import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import type { DnsRecordType } from '@mpanel/sdk';

/** Record types stored per zone. SOA is the provider's (serials), never a record set here. */
export const RECORD_TYPES: DnsRecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR'];
/** What a holder of `dns.records.write` may edit; the others need `dns.records.protected`. */
export const CLIENT_TYPES: ReadonlySet<DnsRecordType> = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA']);

export const TTL_MIN = 60;
export const TTL_MAX = 604_800;
export const DEFAULT_TTL = 3600;
export const MAX_VALUES = 100;

/** A field error: which field (`values[1]`, `name`, `ttl`) and what is wrong, in plain words. */
export class RecordError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** `Example.COM.` → `example.com`; throws on something that is not a DNS name. */
export function normalizeName(raw: string, field = 'name', { wildcard = false } = {}): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!name) throw new RecordError(field, 'must not be empty');
  if (name.length > 253) throw new RecordError(field, 'is longer than 253 characters');
  const labels = name.split('.');
  labels.forEach((label, i) => {
    if (wildcard && i === 0 && label === '*') return;
    if (!LABEL.test(label)) throw new RecordError(field, `"${raw}" is not a valid DNS name (label "${label}")`);
  });
  return name;
}

/** A zone name: at least two labels, letters, digits and hyphens only. */
export function normalizeZoneName(raw: string): string {
  // An internationalised name (bücher.example) is stored in its ASCII form (xn--bcher-kva.example).
  const ascii = /[^\x00-\x7f]/.test(raw) ? domainToASCII(raw.trim().replace(/\.$/, '')) : raw;
  if (!ascii) throw new RecordError('name', `"${raw}" is not a valid domain name`);
  const name = normalizeName(ascii, 'name');
  if (!name.includes('.')) throw new RecordError('name', 'must be a domain with at least two labels (example.com)');
  if (name.split('.').some((l) => !/^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(l))) throw new RecordError('name', 'may hold letters, digits and hyphens only');
  return name;
}

/**
 * A record name given relative to the zone (`@`, `www`, `_dmarc`) or absolute (`www.example.com.`),
 * as the fully qualified name stored (`www.example.com`). It must be inside the zone.
 */
export function recordName(raw: string, zone: string): string {
  const trimmed = raw.trim();
  if (trimmed === '@' || trimmed === '') return zone;
  const absolute = trimmed.endsWith('.') ? trimmed : `${trimmed}.${zone}.`;
  const name = normalizeName(absolute, 'name', { wildcard: true });
  if (name !== zone && !name.endsWith(`.${zone}`)) throw new RecordError('name', `${name} is not inside the zone ${zone}`);
  return name;
}

/** A host name in a value (`mail.example.com`), as an absolute name with its trailing dot. */
function hostname(raw: string, field: string): string {
  const name = normalizeName(raw, field);
  return `${name}.`;
}

function int(raw: string | undefined, field: string, what: string, max: number): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) > max) throw new RecordError(field, `${what} must be a whole number from 0 to ${max}`);
  return Number(raw);
}

/** `v=spf1 -all` → `"v=spf1 -all"` (quoted, split into 255-character strings); a quoted value is checked as is. */
function txt(raw: string, field: string): string {
  const value = raw.trim();
  if (!value) throw new RecordError(field, 'TXT value must not be empty');
  if (/^".*"$/s.test(value)) {
    // One or more quoted strings; inner quotes escaped.
    if (!/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/s.test(value)) throw new RecordError(field, 'TXT value has unbalanced quotes');
    return value;
  }
  if (value.length > 4000) throw new RecordError(field, 'TXT value is longer than 4000 characters');
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const chunks: string[] = [];
  for (let i = 0; i < escaped.length; i += 255) chunks.push(`"${escaped.slice(i, i + 255)}"`);
  return chunks.join(' ');
}

const CAA_TAGS = new Set(['issue', 'issuewild', 'iodef', 'issuemail', 'issuevmc']);

/** One value of a record set, checked and put in presentation format (what the provider gets). */
export function normalizeValue(type: DnsRecordType, raw: string, field = 'values[0]'): string {
  if (typeof raw !== 'string') throw new RecordError(field, 'must be a string');
  const value = raw.trim();
  const parts = value.split(/\s+/);
  switch (type) {
    case 'A':
      if (!isIPv4(value)) throw new RecordError(field, `"${value}" is not an IPv4 address (like 203.0.113.7)`);
      return value;
    case 'AAAA':
      if (!isIPv6(value)) throw new RecordError(field, `"${value}" is not an IPv6 address (like 2001:db8::1)`);
      return value.toLowerCase();
    case 'CNAME':
    case 'NS':
    case 'PTR':
      if (parts.length !== 1) throw new RecordError(field, `${type} value must be one host name`);
      return hostname(value, field);
    case 'MX': {
      if (parts.length !== 2) throw new RecordError(field, 'MX value must be "<priority> <mail server>", like "10 mail.example.com"');
      const priority = int(parts[0], field, 'MX priority', 65_535);
      return `${priority} ${parts[1] === '.' ? '.' : hostname(parts[1]!, field)}`;
    }
    case 'SRV': {
      if (parts.length !== 4) throw new RecordError(field, 'SRV value must be "<priority> <weight> <port> <target>", like "10 5 5060 sip.example.com"');
      const priority = int(parts[0], field, 'SRV priority', 65_535);
      const weight = int(parts[1], field, 'SRV weight', 65_535);
      const port = int(parts[2], field, 'SRV port', 65_535);
      return `${priority} ${weight} ${port} ${parts[3] === '.' ? '.' : hostname(parts[3]!, field)}`;
    }
    case 'CAA': {
      const m = /^(\d+)\s+([A-Za-z0-9]+)\s+(.+)$/s.exec(value);
      if (!m) throw new RecordError(field, 'CAA value must be "<flags> <tag> <value>", like "0 issue letsencrypt.org"');
      const flags = int(m[1], field, 'CAA flags', 255);
      const tag = m[2]!.toLowerCase();
      if (!CAA_TAGS.has(tag)) throw new RecordError(field, `CAA tag must be one of ${[...CAA_TAGS].join(', ')}`);
      let v = m[3]!.trim();
      if (/^".*"$/s.test(v)) v = v.slice(1, -1);
      if (v.includes('"')) throw new RecordError(field, 'CAA value must not contain quotes');
      return `${flags} ${tag} "${v}"`;
    }
    case 'TXT':
      return txt(value, field);
    default:
      throw new RecordError('type', `unknown record type ${String(type)}`);
  }
}

export interface RecordSetInput {
  name: string;
  type: DnsRecordType;
  ttl: number;
  values: string[];
}

/** A whole record set checked: TTL bounds, values per type, distinct values, a single CNAME. */
export function normalizeRecordSet(zone: string, input: { name: string; type: DnsRecordType; ttl?: number; values: string[] }): RecordSetInput {
  if (!RECORD_TYPES.includes(input.type)) throw new RecordError('type', `must be one of ${RECORD_TYPES.join(', ')}`);
  const name = recordName(input.name, zone);
  const ttl = input.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(ttl) || ttl < TTL_MIN || ttl > TTL_MAX) throw new RecordError('ttl', `must be a whole number of seconds from ${TTL_MIN} to ${TTL_MAX}`);
  if (!Array.isArray(input.values) || input.values.length === 0) throw new RecordError('values', 'at least one value is required');
  if (input.values.length > MAX_VALUES) throw new RecordError('values', `at most ${MAX_VALUES} values`);
  const values = input.values.map((v, i) => normalizeValue(input.type, v, `values[${i}]`));
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new RecordError(`values[${i}]`, 'is the same as another value');
    seen.add(v);
  });
  if (input.type === 'CNAME') {
    if (values.length > 1) throw new RecordError('values', 'a CNAME has exactly one value');
    if (name === zone) throw new RecordError('name', 'the zone apex cannot be a CNAME (it has NS and SOA records)');
  }
  return { name, type: input.type, ttl, values };
}

/** The name relative to the zone, as shown in the UI and zone files (`@`, `www`). */
export function relativeName(name: string, zone: string): string {
  if (name === zone) return '@';
  return name.endsWith(`.${zone}`) ? name.slice(0, -(zone.length + 1)) : `${name}.`;
}
