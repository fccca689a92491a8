import type { DnsRecordType } from '@mpanel/sdk';
import { RECORD_TYPES, RecordError, normalizeRecordSet, relativeName } from './records.ts';
import type { RecordSetRow } from './store.ts';

export interface ImportedSet {
  name: string;
  type: DnsRecordType;
  ttl: number;
  values: string[];
}

export const MAX_ZONE_FILE = 512 * 1024;

/** Strips a `;` comment outside quotes. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) return line.slice(0, i);
  }
  return line;
}

/** Splits on blanks, keeping quoted strings (with their quotes) whole. */
function tokens(line: string): string[] {
  return line.match(/"(?:[^"\\]|\\.)*"|[^\s"]+/g) ?? [];
}

/** Joins `( ... )` spans into one logical line, keeping the first line's number. */
function logicalLines(text: string): Array<{ line: number; text: string; blankOwner: boolean }> {
  const out: Array<{ line: number; text: string; blankOwner: boolean }> = [];
  let open: { line: number; text: string; blankOwner: boolean } | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const body = stripComment(raw);
    if (open) {
      open.text += ` ${body}`;
      if (body.includes(')')) {
        open.text = open.text.replace(/[()]/g, ' ');
        out.push(open);
        open = null;
      }
      return;
    }
    if (!body.trim()) return;
    const entry = { line: i + 1, text: body, blankOwner: /^\s/.test(body) };
    if (body.includes('(') && !body.includes(')')) open = entry;
    else out.push({ ...entry, text: body.replace(/[()]/g, ' ') });
  });
  if (open) throw new RecordError('zoneFile', `line ${(open as { line: number }).line}: unclosed parenthesis`);
  return out;
}

const TARGET_AT: Partial<Record<DnsRecordType, number>> = { CNAME: 0, NS: 0, PTR: 0, MX: 1, SRV: 3 };

/**
 * A BIND zone file as record sets of `zone` (SOA skipped: the provider keeps its own). Relative
 * names (owners and targets) are completed with `$ORIGIN`; every set is checked as the API checks
 * it. Errors name the line.
 */
export function parseZoneFile(text: string, zone: string, defaultTtl = 3600): ImportedSet[] {
  if (text.length > MAX_ZONE_FILE) throw new RecordError('zoneFile', `is larger than ${MAX_ZONE_FILE / 1024} KiB`);
  let origin = `${zone}.`;
  let ttl = defaultTtl;
  let owner: string | null = null;
  const sets = new Map<string, ImportedSet & { line: number }>();
  const absolute = (name: string) => (name === '@' ? origin : name.endsWith('.') ? name : `${name}.${origin}`);
  for (const { line, text: body, blankOwner } of logicalLines(text)) {
    const fail = (message: string): never => {
      throw new RecordError('zoneFile', `line ${line}: ${message}`);
    };
    const t = tokens(body);
    if (!t.length) continue;
    if (t[0]!.toUpperCase() === '$ORIGIN') {
      if (!t[1]) fail('$ORIGIN needs a name');
      origin = absolute(t[1]!).toLowerCase();
      continue;
    }
    if (t[0]!.toUpperCase() === '$TTL') {
      if (!/^\d+$/.test(t[1] ?? '')) fail('$TTL needs a number of seconds');
      ttl = Number(t[1]);
      continue;
    }
    if (t[0]!.startsWith('$')) fail(`${t[0]} is not supported`);
    let i = 0;
    if (!blankOwner) owner = absolute(t[i++]!);
    if (!owner) fail('the first record has no name');
    let recordTtl = ttl;
    // TTL and class, in either order.
    for (let k = 0; k < 2; k++) {
      if (/^\d+$/.test(t[i] ?? '')) recordTtl = Number(t[i++]);
      else if (/^(IN|CH|HS)$/i.test(t[i] ?? '')) i++;
    }
    const type = (t[i++] ?? '').toUpperCase();
    if (type === 'SOA') continue;
    if (!RECORD_TYPES.includes(type as DnsRecordType)) fail(`record type "${type}" is not supported (${RECORD_TYPES.join(', ')})`);
    const rdata = t.slice(i);
    if (!rdata.length) fail(`${type} record without a value`);
    const targetAt = TARGET_AT[type as DnsRecordType];
    if (targetAt !== undefined && rdata[targetAt] && rdata[targetAt] !== '.') rdata[targetAt] = absolute(rdata[targetAt]!);
    const value = rdata.join(' ');
    const key = `${owner!.toLowerCase()} ${type}`;
    const existing = sets.get(key);
    if (existing) {
      existing.values.push(value);
      existing.ttl = Math.min(existing.ttl, recordTtl);
    } else {
      sets.set(key, { name: owner!.toLowerCase(), type: type as DnsRecordType, ttl: recordTtl, values: [value], line });
    }
  }
  return [...sets.values()].map(({ line, ...set }) => {
    try {
      return normalizeRecordSet(zone, set);
    } catch (err) {
      if (err instanceof RecordError) throw new RecordError('zoneFile', `line ${line}: ${set.type} ${set.name}: ${err.field} ${err.message}`);
      throw err;
    }
  });
}

/** The zone as a BIND zone file (no SOA: the provider writes it). */
export function exportZoneFile(zone: string, sets: RecordSetRow[], exportedAt = new Date()): string {
  const lines = [`; ${zone} exported by mPanel ${exportedAt.toISOString()}`, `$ORIGIN ${zone}.`, '$TTL 3600'];
  const order = (s: RecordSetRow) => (s.type === 'NS' && s.name === zone ? 0 : 1);
  for (const set of [...sets].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name) || a.type.localeCompare(b.type))) {
    for (const value of set.values) lines.push(`${relativeName(set.name, zone)}\t${set.ttl}\tIN\t${set.type}\t${value}`);
  }
  return `${lines.join('\n')}\n`;
}
