import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Cloudflare's API v4 (`/client/v4/...`), for tests of the official
 * `cloudflare` SDK: Bearer API tokens, zones, DNS records with the `proxied` flag, the zone
 * settings mPanel edits, purge_cache (files, prefixes, purge_everything) and token verification,
 * all in Cloudflare's documented envelope `{ success, errors:[{code,message}], messages, result,
 * result_info }`. Faults to inject: 429 with Retry-After (code 971), 5xx, a refused token.
 *
 * Documented behaviour it keeps: a bad or missing token answers 403 with code 10000
 * "Authentication error"; purge takes exactly one of `files`, `prefixes` (no scheme), `hosts`,
 * `tags` or `purge_everything`, at most 100 items (code 1015 otherwise); setting values are
 * validated per setting (code 1007 "Invalid value for zone setting ..."); unknown zone 404 code
 * 1001 "Invalid zone identifier"; unknown record 404 code 81044 "Record does not exist."; a second
 * zone of the same name 400 code 1061 "... already exists".
 */
export type CloudflareFault =
  /** HTTP 429 with Retry-After (seconds), nothing applied. */
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  /** HTTP 5xx, nothing applied. */
  | { kind: 'serverError'; status?: number }
  /** HTTP 403 code 10000 whatever the token. */
  | { kind: 'authError' };

export interface FakeZone {
  id: string;
  name: string;
  status: 'initializing' | 'pending' | 'active' | 'moved';
  paused: boolean;
  type: 'full' | 'partial';
  account: { id: string; name: string };
  name_servers: string[];
  original_name_servers: string[] | null;
  created_on: string;
  modified_on: string;
  activated_on: string | null;
  development_mode: number;
  meta: Record<string, unknown>;
  owner: Record<string, unknown>;
  permissions: string[];
  plan: Record<string, unknown>;
}

export interface FakeDnsRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  proxiable: boolean;
  ttl: number;
  comment: string | null;
  tags: string[];
  settings: Record<string, unknown>;
  meta: Record<string, unknown>;
  created_on: string;
  modified_on: string;
}

export interface RecordedCloudflareRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
  fault?: CloudflareFault['kind'];
}

type Json = Record<string, unknown>;

interface CfError { code: number; message: string }

class CfAnswer extends Error {
  constructor(readonly status: number, readonly errors: CfError[], readonly headers: Record<string, string> = {}) {
    super(errors[0]?.message ?? 'error');
  }
}

const SETTINGS: Record<string, { initial: unknown; valid(v: unknown): boolean }> = {
  cache_level: { initial: 'aggressive', valid: (v) => v === 'basic' || v === 'simplified' || v === 'aggressive' },
  // Cloudflare's documented choices (seconds; 0 = respect existing headers).
  browser_cache_ttl: {
    initial: 14400,
    valid: (v) => [0, 30, 60, 120, 300, 1200, 1800, 3600, 7200, 10800, 14400, 18000, 28800, 43200, 57600, 72000, 86400, 172800, 259200, 345600, 432000, 691200, 1382400, 2073600, 2678400, 5356800, 16070400, 31536000].includes(v as number),
  },
  development_mode: { initial: 'off', valid: (v) => v === 'on' || v === 'off' },
  always_use_https: { initial: 'off', valid: (v) => v === 'on' || v === 'off' },
};

const hex32 = () => randomBytes(16).toString('hex');
const now = () => new Date().toISOString();
const HOSTNAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export class FakeCloudflareServer {
  /** API tokens the fake accepts. */
  readonly tokens = new Set<string>(['cf-test-token-0123456789abcdefghijklmn']);
  readonly accountId = hex32();
  readonly zones = new Map<string, FakeZone>();
  readonly records = new Map<string, FakeDnsRecord>();
  readonly settings = new Map<string, Record<string, unknown>>();
  /** Accepted purge bodies, by zone id, oldest first. */
  readonly purges: Array<{ zoneId: string; body: Json }> = [];
  readonly requests: RecordedCloudflareRequest[] = [];
  port = 0;
  private server: Server | undefined;
  private readonly faults: Array<{ match?: string; fault: CloudflareFault }> = [];

  get token(): string {
    return [...this.tokens][0]!;
  }

  /** What the SDK's `baseURL` is set to. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/client/v4`;
  }

  /** The next request (whose `METHOD /path` contains `match`, or any) meets `fault`; faults queue in order. */
  inject(fault: CloudflareFault, match?: string): void {
    this.faults.push({ match, fault });
  }

  /** Requests so far whose `METHOD /path` contains `match` (all without). */
  count(match?: string): number {
    return match ? this.requests.filter((r) => `${r.method} ${r.path}`.includes(match)).length : this.requests.length;
  }

  /** A zone as if created in the dashboard (tests that start from an existing zone). */
  addZone(name: string, status: FakeZone['status'] = 'active'): FakeZone {
    const zone = this.newZone(name);
    zone.status = status;
    if (status === 'active') zone.activated_on = now();
    return zone;
  }

  /** Marks a zone active, as Cloudflare does once the nameservers point at it. */
  activate(zoneId: string): void {
    const zone = this.zones.get(zoneId);
    if (zone) Object.assign(zone, { status: 'active', activated_on: now() });
  }

  /**
   * Listens on `port` (0: any); with `tries` > 1 on the next free one of `port … port + tries - 1`
   * (a port of a test's range may be held by a connection in TIME_WAIT).
   */
  async start(port = 0, tries = 1): Promise<this> {
    for (let i = 0; ; i++) {
      const server = createServer((req, res) => void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.send(res, 500, this.envelope(false, [{ code: 10001, message: String(err) }], null));
      }));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port === 0 ? 0 : port + i, '127.0.0.1', resolve);
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'EADDRINUSE' && i + 1 < tries) continue;
        throw err;
      }
      this.server = server;
      this.port = (server.address() as AddressInfo).port;
      return this;
    }
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private newZone(name: string): FakeZone {
    const id = hex32();
    const zone: FakeZone = {
      id, name, status: 'pending', paused: false, type: 'full',
      account: { id: this.accountId, name: 'Fake account' },
      name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
      original_name_servers: null, created_on: now(), modified_on: now(), activated_on: null,
      development_mode: 0, meta: { phishing_detected: false }, owner: { id: null, type: 'user', email: null },
      permissions: ['#zone:read', '#zone:edit'], plan: { id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee', name: 'Free Website', price: 0, currency: 'USD', frequency: '', is_subscribed: false, can_subscribe: false, legacy_id: 'free', legacy_discount: false, externally_managed: false },
    };
    this.zones.set(id, zone);
    this.settings.set(id, Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.initial])));
    return zone;
  }

  private envelope(success: boolean, errors: CfError[], result: unknown, resultInfo?: Json): Json {
    return { success, errors, messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new CfAnswer(400, [{ code: 6007, message: 'Malformed JSON in request body' }]);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    let body: unknown;
    const record: RecordedCloudflareRequest = { method, path: url.pathname, body: undefined, status: 200 };
    this.requests.push(record);
    try {
      body = await this.readBody(req);
      record.body = body;
      const key = `${method} ${url.pathname}`;
      const index = this.faults.findIndex((f) => !f.match || key.includes(f.match));
      if (index >= 0) {
        const [{ fault }] = this.faults.splice(index, 1) as [{ fault: CloudflareFault }];
        record.fault = fault.kind;
        if (fault.kind === 'rateLimit') throw new CfAnswer(429, [{ code: 971, message: 'Please wait and consider throttling your request speed' }], { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
        if (fault.kind === 'serverError') throw new CfAnswer(fault.status ?? 500, [{ code: 10002, message: 'An unknown error has occurred' }]);
        throw new CfAnswer(403, [{ code: 10000, message: 'Authentication error' }]);
      }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!this.tokens.has(token)) throw new CfAnswer(403, [{ code: 10000, message: 'Authentication error' }]);
      const prefix = '/client/v4';
      if (!url.pathname.startsWith(prefix)) throw new CfAnswer(404, [{ code: 7003, message: 'Could not route to ' + url.pathname + ', perhaps your object identifier is invalid?' }]);
      const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean);
      const { result, info, status } = this.route(method, parts, url.searchParams, (body ?? {}) as Json, token);
      record.status = status ?? 200;
      this.send(res, record.status, this.envelope(true, [], result, info));
    } catch (err) {
      if (!(err instanceof CfAnswer)) throw err;
      record.status = err.status;
      this.send(res, err.status, this.envelope(false, err.errors, null), err.headers);
    }
  }

  private zoneOf(id: string | undefined): FakeZone {
    const zone = id ? this.zones.get(id) : undefined;
    if (!zone) throw new CfAnswer(404, [{ code: 1001, message: 'Invalid zone identifier' }]);
    return zone;
  }

  private page<T>(items: T[], query: URLSearchParams): { result: T[]; info: Json } {
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const perPage = Math.min(5000, Math.max(5, Number(query.get('per_page') ?? 20) || 20));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    return { result: slice, info: { page, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) } };
  }

  private route(method: string, parts: string[], query: URLSearchParams, body: Json, token: string): { result: unknown; info?: Json; status?: number } {
    const [a, zoneId, b, c] = parts;
    if (a === 'user' && zoneId === 'tokens' && b === 'verify' && method === 'GET' && parts.length === 3) {
      return { result: { id: token.slice(0, 32).padEnd(32, '0'), status: 'active' } };
    }
    if (a !== 'zones') throw new CfAnswer(404, [{ code: 7000, message: 'No route for that URI' }]);
    if (parts.length === 1) {
      if (method === 'GET') {
        let zones = [...this.zones.values()];
        const name = query.get('name');
        if (name) zones = zones.filter((z) => z.name === name.toLowerCase());
        const status = query.get('status');
        if (status) zones = zones.filter((z) => z.status === status);
        const account = query.get('account.id');
        if (account) zones = zones.filter((z) => z.account.id === account);
        return this.page(zones, query);
      }
      if (method === 'POST') {
        const name = typeof body.name === 'string' ? body.name.toLowerCase() : '';
        const accountId = (body.account as Json | undefined)?.id;
        if (!HOSTNAME.test(name) || name.startsWith('*.')) throw new CfAnswer(400, [{ code: 1099, message: `${String(body.name)} is not a registrable domain` }]);
        if (accountId !== this.accountId) throw new CfAnswer(400, [{ code: 1002, message: 'Invalid or missing account' }]);
        if ([...this.zones.values()].some((z) => z.name === name)) throw new CfAnswer(400, [{ code: 1061, message: `${name} already exists` }]);
        const zone = this.newZone(name);
        if (body.type === 'partial') zone.type = 'partial';
        return { result: zone };
      }
      throw new CfAnswer(405, [{ code: 10405, message: 'Method not allowed' }]);
    }
    const zone = this.zoneOf(zoneId);
    if (parts.length === 2) {
      if (method === 'GET') return { result: zone };
      if (method === 'PATCH') {
        if (body.paused !== undefined) {
          if (typeof body.paused !== 'boolean') throw new CfAnswer(400, [{ code: 1007, message: 'Invalid value for paused' }]);
          zone.paused = body.paused;
        }
        zone.modified_on = now();
        return { result: zone };
      }
      if (method === 'DELETE') {
        this.zones.delete(zone.id);
        for (const [id, r] of this.records) if (r.zone_id === zone.id) this.records.delete(id);
        return { result: { id: zone.id } };
      }
    }
    if (b === 'dns_records') return this.dnsRoute(method, zone, c, parts.length, query, body);
    if (b === 'settings' && c && parts.length === 4) {
      const spec = SETTINGS[c];
      if (!spec) throw new CfAnswer(400, [{ code: 1003, message: 'Invalid or missing zone setting' }]);
      const values = this.settings.get(zone.id)!;
      if (method === 'PATCH') {
        if (!('value' in body) || !spec.valid(body.value)) throw new CfAnswer(400, [{ code: 1007, message: `Invalid value for zone setting ${c}` }]);
        values[c] = body.value;
      } else if (method !== 'GET') throw new CfAnswer(405, [{ code: 10405, message: 'Method not allowed' }]);
      const result: Json = { id: c, value: values[c], editable: true, modified_on: now() };
      if (c === 'development_mode') result.time_remaining = values[c] === 'on' ? 10800 : 0;
      return { result };
    }
    if (b === 'purge_cache' && parts.length === 3 && method === 'POST') {
      this.validatePurge(zone, body);
      this.purges.push({ zoneId: zone.id, body });
      return { result: { id: zone.id } };
    }
    throw new CfAnswer(404, [{ code: 7003, message: 'Could not route, perhaps your object identifier is invalid?' }]);
  }

  private validatePurge(zone: FakeZone, body: Json): void {
    const kinds = ['files', 'prefixes', 'hosts', 'tags', 'purge_everything'].filter((k) => body[k] !== undefined);
    if (kinds.length !== 1) throw new CfAnswer(400, [{ code: 1012, message: 'Request must contain one of "purge_everything", "files", "tags", "hosts" or "prefixes"' }]);
    const kind = kinds[0]!;
    if (kind === 'purge_everything') {
      if (body.purge_everything !== true) throw new CfAnswer(400, [{ code: 1012, message: 'purge_everything must be true' }]);
      return;
    }
    const items = body[kind];
    if (!Array.isArray(items) || items.length === 0) throw new CfAnswer(400, [{ code: 1012, message: `${kind} must be a non-empty array` }]);
    if (items.length > 100) throw new CfAnswer(400, [{ code: 1015, message: 'You may purge up to 100 items at a time' }]);
    for (const item of items) {
      const value = kind === 'files' && item && typeof item === 'object' ? (item as Json).url : item;
      if (typeof value !== 'string' || !value) throw new CfAnswer(400, [{ code: 1012, message: `Invalid ${kind} entry` }]);
      if (kind === 'files') {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new CfAnswer(400, [{ code: 1012, message: `Invalid url: ${value}` }]);
        }
        if (!/^https?:$/.test(url.protocol)) throw new CfAnswer(400, [{ code: 1012, message: `Invalid url: ${value}` }]);
      }
      // Documented: prefixes are host + path without a scheme (www.example.com/foo).
      if (kind === 'prefixes' && (/^[a-z]+:\/\//i.test(value) || value.includes('?'))) throw new CfAnswer(400, [{ code: 1012, message: `Invalid prefix: ${value}` }]);
      const host = kind === 'files' ? new URL(value).hostname : value.split('/')[0]!;
      if (kind !== 'tags' && host !== zone.name && !host.endsWith(`.${zone.name}`)) throw new CfAnswer(400, [{ code: 1012, message: `${value} is not in zone ${zone.name}` }]);
    }
  }

  private dnsRoute(method: string, zone: FakeZone, recordId: string | undefined, depth: number, query: URLSearchParams, body: Json): { result: unknown; info?: Json } {
    if (depth === 3) {
      if (method === 'GET') {
        let items = [...this.records.values()].filter((r) => r.zone_id === zone.id);
        const name = query.get('name') ?? query.get('name.exact');
        if (name) items = items.filter((r) => r.name === name.toLowerCase());
        const type = query.get('type');
        if (type) items = items.filter((r) => r.type === type);
        const proxied = query.get('proxied');
        if (proxied) items = items.filter((r) => String(r.proxied) === proxied);
        return this.page(items, query);
      }
      if (method === 'POST') {
        const rec = this.checkRecord(zone, body);
        const conflict = [...this.records.values()].find((r) => r.zone_id === zone.id && r.name === rec.name && (r.type === 'CNAME' || rec.type === 'CNAME'));
        if (conflict) throw new CfAnswer(400, [{ code: 81053, message: 'An A, AAAA, or CNAME record with that host already exists.' }]);
        const made: FakeDnsRecord = {
          id: hex32(), zone_id: zone.id, zone_name: zone.name, ...rec, proxiable: true, comment: (body.comment as string) ?? null,
          tags: [], settings: {}, meta: {}, created_on: now(), modified_on: now(),
        };
        this.records.set(made.id, made);
        return { result: made };
      }
      throw new CfAnswer(405, [{ code: 10405, message: 'Method not allowed' }]);
    }
    const existing = recordId ? this.records.get(recordId) : undefined;
    if (!existing || existing.zone_id !== zone.id) throw new CfAnswer(404, [{ code: 81044, message: 'Record does not exist.' }]);
    if (method === 'GET') return { result: existing };
    if (method === 'DELETE') {
      this.records.delete(existing.id);
      return { result: { id: existing.id } };
    }
    if (method === 'PATCH' || method === 'PUT') {
      const merged = method === 'PATCH' ? { name: existing.name, type: existing.type, content: existing.content, proxied: existing.proxied, ttl: existing.ttl, ...body } : body;
      const rec = this.checkRecord(zone, merged);
      Object.assign(existing, rec, { modified_on: now() });
      return { result: existing };
    }
    throw new CfAnswer(405, [{ code: 10405, message: 'Method not allowed' }]);
  }

  private checkRecord(zone: FakeZone, body: Json): Pick<FakeDnsRecord, 'name' | 'type' | 'content' | 'proxied' | 'ttl'> {
    const type = body.type;
    if (typeof type !== 'string' || !['A', 'AAAA', 'CNAME', 'TXT', 'MX'].includes(type)) throw new CfAnswer(400, [{ code: 9000, message: 'DNS name is invalid.' }]);
    let name = typeof body.name === 'string' ? body.name.toLowerCase() : '';
    if (name === '@') name = zone.name;
    if (!HOSTNAME.test(name) || (name !== zone.name && !name.endsWith(`.${zone.name}`))) throw new CfAnswer(400, [{ code: 9005, message: 'DNS name is invalid.' }]);
    const content = typeof body.content === 'string' ? body.content : '';
    if (type === 'A' && !IPV4.test(content)) throw new CfAnswer(400, [{ code: 9005, message: 'Content for A record must be a valid IPv4 address.' }]);
    if (type === 'AAAA' && !content.includes(':')) throw new CfAnswer(400, [{ code: 9005, message: 'Content for AAAA record must be a valid IPv6 address.' }]);
    if (type === 'CNAME' && !HOSTNAME.test(content)) throw new CfAnswer(400, [{ code: 9005, message: 'Content for CNAME record is invalid.' }]);
    const proxied = body.proxied === undefined ? false : body.proxied;
    if (typeof proxied !== 'boolean') throw new CfAnswer(400, [{ code: 9003, message: 'Invalid \'proxied\' value, must be a boolean' }]);
    if (proxied && !['A', 'AAAA', 'CNAME'].includes(type)) throw new CfAnswer(400, [{ code: 9004, message: 'This record type cannot be proxied.' }]);
    const ttl = body.ttl === undefined ? 1 : body.ttl;
    if (typeof ttl !== 'number' || !(ttl === 1 || (ttl >= 60 && ttl <= 86400))) throw new CfAnswer(400, [{ code: 9021, message: 'Invalid TTL. Must be between 60 and 86400, or 1 for automatic.' }]);
    return { name, type, content, proxied, ttl: proxied ? 1 : ttl };
  }
}
