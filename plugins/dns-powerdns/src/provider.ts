import {
  DnsProviderError,
  type ConnectionTestResult,
  type DnsProvider,
  type DnsRecordSet,
  type DnsRecordType,
  type DnsZone,
  type DnssecStatus,
  type ExtensionCallContext,
} from '@mpanel/sdk';

/**
 * PowerDNS Authoritative through its HTTP API (HOSTING.md §4.1, verified on 4.7.3): zones are
 * `Native` with `soa_edit_api: DEFAULT`, a record set is written with `PATCH … REPLACE` (the whole
 * set) and removed with `PATCH … DELETE` (idempotent: 204 for a missing set). A 500/502/503 is
 * tried again a few times within the call's timeout (all requests are idempotent); anything still
 * failing is UNAVAILABLE and the dns plugin queues and retries it.
 *
 * PowerDNS's `account` field is a label only (listing by account returns every zone): it is set to
 * the tenant id so that a 409 on create can tell "ours already" (converge) from "someone else's"
 * (CONFLICT); isolation itself lives in mPanel's database.
 */
export interface PowerDnsSettings {
  /** `https://pdns.example.net:8081` (the part before `/api/v1`). */
  apiUrl: string;
  /** PowerDNS server id, `localhost` unless the API fronts several. */
  serverId: string;
  /** The API key (`api-key` in pdns.conf), sent as `X-API-Key`. Stored encrypted. */
  apiKey: string;
  /** Nameservers given to new zones (`ns1.example.net.`). */
  nameservers: string[];
  /** How long one API call may take. */
  timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 10;
/** Tries of one request that meets HTTP 500/502/503 (see PowerDnsApi.call). */
export const TRANSIENT_TRIES = 6;

/** Refuses hosts on the internal network (`ctx.net.resolvePublic`). */
export type HostGuard = (host: string) => Promise<unknown>;

const RECORD_TYPES: ReadonlySet<string> = new Set<DnsRecordType>(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR']);

/** `Example.COM` → `example.com.` */
export function canonicalName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** TXT values in presentation format are quoted strings; a bare value is quoted (and escaped) for the client. */
export function txtContent(value: string): string {
  const v = value.trim();
  if (v.startsWith('"')) return v;
  // One presentation string holds at most 255 bytes: longer values are split into several.
  const escaped = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const parts: string[] = [];
  const bytes = Buffer.from(v, 'utf8');
  for (let i = 0; i < bytes.length || parts.length === 0; i += 255) parts.push(`"${escaped(bytes.subarray(i, i + 255).toString('utf8'))}"`);
  return parts.join(' ');
}

function contentOf(type: DnsRecordType, value: string): string {
  return type === 'TXT' ? txtContent(value) : value.trim();
}

interface PdnsZone {
  id: string;
  name: string;
  account?: string;
  dnssec?: boolean;
  rrsets?: { name: string; type: string; ttl: number; records: { content: string; disabled: boolean }[] }[];
}

interface PdnsCryptokey {
  active: boolean;
  published?: boolean;
  dnskey?: string;
  ds?: string[];
}

interface CallOptions {
  /** What the request is about, for messages (`zone example.com.`). */
  what: string;
  /** The record set being written, attached to a 422 that does not name one. */
  record?: { name: string; type: DnsRecordType };
  /** Statuses that are an answer, not an error (404 on a delete). */
  accept?: number[];
}

export class PowerDnsApi {
  private readonly base: string;
  private readonly host: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;

  constructor(settings: Partial<PowerDnsSettings>, private readonly guard?: HostGuard) {
    const raw = (settings.apiUrl ?? '').trim();
    if (!raw) throw new DnsProviderError('PowerDNS is not configured: set the API URL (e.g. http://pdns.example.net:8081) in the PowerDNS settings', 'AUTH');
    if (!settings.apiKey) throw new DnsProviderError('PowerDNS is not configured: set the API key (api-key in pdns.conf) in the PowerDNS settings', 'AUTH');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DnsProviderError(`The PowerDNS API URL "${raw}" is not a URL (expected e.g. http://pdns.example.net:8081)`, 'AUTH');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DnsProviderError(`The PowerDNS API URL must be http or https, not ${url.protocol}`, 'AUTH');
    // Accept the URL with or without /api/v1 (and even with /servers/<id>): the base is what precedes /api.
    const prefix = url.pathname.replace(/\/api(\/.*)?$/, '').replace(/\/+$/, '');
    const serverId = (settings.serverId ?? '').trim() || 'localhost';
    this.base = `${url.origin}${prefix}/api/v1/servers/${encodeURIComponent(serverId)}`;
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.apiKey = settings.apiKey;
    const t = Number(settings.timeoutSeconds);
    this.timeoutMs = (Number.isFinite(t) && t > 0 ? Math.min(t, 300) : DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  /**
   * `example.com.` → the path of the zone (PowerDNS ids are the name, with `/` as `=2F` for
   * RFC 2317 reverse zones). A name that is not a DNS name (`..`, empty labels) never reaches a URL.
   */
  zonePath(zone: string): string {
    const name = canonicalName(zone);
    const labels = name.slice(0, -1).split('.');
    if (name.length > 254 || labels.some((l) => !/^[a-z0-9_/-]{1,63}$/.test(l))) {
      throw new DnsProviderError(`"${zone}" is not a zone name`, 'INVALID');
    }
    return `/zones/${encodeURIComponent(name.replace(/\//g, '=2F'))}`;
  }

  /**
   * One API request. Every request mPanel sends is idempotent (PATCH REPLACE/DELETE, PUT, GET; a
   * repeated POST of a zone meets 409 and converges), so an HTTP 500/502/503 is tried again a few
   * times within the timeout: PowerDNS's SQLite backend answers 500 ("database is locked") when two
   * writes meet. What still fails is UNAVAILABLE and the dns plugin's queue retries it later.
   */
  async call<T>(method: string, path: string, body: unknown, opts: CallOptions): Promise<{ status: number; data: T | null }> {
    if (this.guard) {
      try {
        await this.guard(this.host);
      } catch (err) {
        throw new DnsProviderError(`The PowerDNS API URL points at ${this.host}, which this platform may not connect to (${(err as Error).message}): use the server's public address`, 'AUTH');
      }
    }
    const deadline = Date.now() + this.timeoutMs;
    let res: Response;
    let text: string;
    for (let attempt = 1; ; attempt++) {
      ({ res, text } = await this.once(method, path, body, opts, deadline));
      const transient = res.status === 500 || res.status === 502 || res.status === 503;
      const pause = Math.min(500, 20 * 2 ** attempt) * (0.5 + Math.random());
      if (!transient || attempt >= TRANSIENT_TRIES || Date.now() + pause >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    if (res.ok || opts.accept?.includes(res.status)) {
      if (!text || !res.ok) return { status: res.status, data: null };
      try {
        return { status: res.status, data: JSON.parse(text) as T };
      } catch {
        throw new DnsProviderError(`PowerDNS answered HTTP ${res.status} with something that is not JSON (${opts.what}): is ${this.base} a PowerDNS API?`, 'UNAVAILABLE');
      }
    }
    throw mapError(res.status, text, opts);
  }

  private async once(method: string, path: string, body: unknown, opts: CallOptions, deadline: number): Promise<{ res: Response; text: string }> {
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'X-API-Key': this.apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      return { res, text: await res.text() };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new DnsProviderError(`PowerDNS did not answer within ${this.timeoutMs / 1000} s (${opts.what}): the change stays queued and is retried`, 'UNAVAILABLE');
      }
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new DnsProviderError(`Cannot reach the PowerDNS API at ${this.base} (${why}): the change stays queued and is retried`, 'UNAVAILABLE');
    }
  }
}

/** PowerDNS's `{"error": "..."}` message, or the body's start. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    /* plain text */
  }
  return text.trim().slice(0, 300);
}

/** Which record set a 422 is about: `Record www.ex.org./A '…': …` or `RRset www.ex.org. IN A: …`. */
export function recordOf(message: string): { name: string; type: DnsRecordType } | undefined {
  const m = /Record (\S+?)\/([A-Z0-9]+) /.exec(message) ?? /RRset (\S+) IN ([A-Z0-9]+)/.exec(message);
  const [, name, type] = m ?? [];
  if (!name || !type || !RECORD_TYPES.has(type)) return undefined;
  return { name: name.toLowerCase(), type: type as DnsRecordType };
}

export function mapError(status: number, body: string, opts: Pick<CallOptions, 'what' | 'record'>): DnsProviderError {
  const message = messageOf(body);
  if (status === 401 || status === 403) {
    return new DnsProviderError(`PowerDNS refused the API key (HTTP ${status}): check the API key in the PowerDNS settings and webserver-allow-from in pdns.conf`, 'AUTH');
  }
  if (status === 404) return new DnsProviderError(`PowerDNS has no ${opts.what}`, 'NOT_FOUND');
  if (status === 409) return new DnsProviderError(`PowerDNS: ${opts.what} already exists${message && message !== 'Conflict' ? ` (${message})` : ''}`, 'CONFLICT');
  if (status === 429 || status >= 500) {
    return new DnsProviderError(`PowerDNS answered HTTP ${status} (${opts.what})${message ? `: ${message}` : ''}; the change stays queued and is retried`, 'UNAVAILABLE');
  }
  // 422 (and 400): PowerDNS refused the content. Its message says what is wrong; keep it as it is.
  return new DnsProviderError(message || `PowerDNS refused ${opts.what} (HTTP ${status})`, 'INVALID', recordOf(message) ?? opts.record);
}

function toZone(z: PdnsZone, nameservers?: string[]): DnsZone {
  const ns = nameservers ?? z.rrsets?.find((r) => r.type === 'NS' && canonicalName(r.name) === canonicalName(z.name))?.records.map((r) => r.content);
  return { name: canonicalName(z.name), id: z.id, ...(ns ? { nameservers: ns } : {}) };
}

function presentation(zone: string, keys: PdnsCryptokey[]): DnssecStatus {
  const live = keys.filter((k) => k.active && k.published !== false);
  return {
    enabled: live.length > 0,
    ds: live.flatMap((k) => (k.ds ?? []).map((d) => `${zone} IN DS ${d}`)),
    dnskeys: live.filter((k) => k.dnskey).map((k) => `${zone} IN DNSKEY ${k.dnskey}`),
  };
}

export interface PowerDnsProviderOptions {
  guard?: HostGuard;
  /** This plugin's settings for the tenant, used when the caller passes none (no apiUrl in ctx.settings). */
  settingsOf?(tenantId: string): Promise<Partial<PowerDnsSettings>>;
}

export function createPowerDnsProvider(options: PowerDnsProviderOptions = {}): DnsProvider<PowerDnsSettings> {
  const settingsFor = async (ctx: ExtensionCallContext<PowerDnsSettings>): Promise<Partial<PowerDnsSettings>> => {
    if (ctx.settings?.apiUrl || !options.settingsOf) return ctx.settings ?? {};
    return (await options.settingsOf(ctx.tenantId).catch(() => undefined)) ?? ctx.settings ?? {};
  };
  const api = async (ctx: ExtensionCallContext<PowerDnsSettings>) => new PowerDnsApi(await settingsFor(ctx), options.guard);

  const readZone = async (ctx: ExtensionCallContext<PowerDnsSettings>, zone: string): Promise<PdnsZone> => {
    const name = canonicalName(zone);
    const a = await api(ctx);
    const { data } = await a.call<PdnsZone>('GET', a.zonePath(name), undefined, { what: `zone ${name}` });
    return data!;
  };

  const status = async (ctx: ExtensionCallContext<PowerDnsSettings>, zone: string): Promise<DnssecStatus> => {
    const name = canonicalName(zone);
    const a = await api(ctx);
    const z = await readZone(ctx, name);
    if (!z.dnssec) return { enabled: false, ds: [], dnskeys: [] };
    const { data } = await a.call<PdnsCryptokey[]>('GET', `${a.zonePath(name)}/cryptokeys`, undefined, { what: `keys of zone ${name}` });
    return presentation(name, data ?? []);
  };

  return {
    displayName: 'PowerDNS',

    async listZones(ctx) {
      const { data } = await (await api(ctx)).call<PdnsZone[]>('GET', '/zones', undefined, { what: 'zone list' });
      return (data ?? []).map((z) => toZone(z));
    },

    async createZone(ctx, zone, nameservers) {
      const name = canonicalName(zone);
      const a = await api(ctx);
      a.zonePath(name);
      const ns = (nameservers?.length ? nameservers : ((await settingsFor(ctx)).nameservers ?? [])).map(canonicalName);
      const body = { name, kind: 'Native', nameservers: ns, account: ctx.tenantId, soa_edit_api: 'DEFAULT', api_rectify: true };
      let code: number;
      let data: PdnsZone | null;
      try {
        ({ status: code, data } = await a.call<PdnsZone>('POST', '/zones', body, { what: `zone ${name}`, accept: [409] }));
      } catch (err) {
        // Two creates of one zone at once: PowerDNS answers the loser 500 (the backend's unique
        // constraint), not 409. When the zone is there now, that is the same as a 409.
        if (!(err instanceof DnsProviderError) || !/HTTP 5\d\d/.test(err.message)) throw err;
        const there = await readZone(ctx, name).catch(() => null);
        if (!there) throw err;
        code = 409;
        data = null;
      }
      if (code !== 409) return toZone(data!, ns);
      // It exists: ours (a retry after a lost answer) converges; another tenant's is a conflict.
      const existing = await readZone(ctx, name);
      if (existing.account && existing.account !== ctx.tenantId) {
        throw new DnsProviderError(`The zone ${name} already exists on this PowerDNS server and belongs to another account`, 'CONFLICT');
      }
      return toZone(existing);
    },

    async deleteZone(ctx, zone) {
      const name = canonicalName(zone);
      const a = await api(ctx);
      await a.call('DELETE', a.zonePath(name), undefined, { what: `zone ${name}`, accept: [404] });
    },

    async listRecords(ctx, zone) {
      const z = await readZone(ctx, zone);
      return (z.rrsets ?? [])
        .filter((r) => RECORD_TYPES.has(r.type))
        .map((r) => ({ name: canonicalName(r.name), type: r.type as DnsRecordType, ttl: r.ttl, values: r.records.filter((x) => !x.disabled).map((x) => x.content) }))
        .filter((r) => r.values.length > 0);
    },

    async upsertRecordSet(ctx, zone, rs: DnsRecordSet) {
      const name = canonicalName(zone);
      const recordName = canonicalName(rs.name);
      const record = { name: recordName, type: rs.type };
      if (!RECORD_TYPES.has(rs.type)) throw new DnsProviderError(`Record type ${String(rs.type)} is not supported`, 'INVALID', record);
      if (!Number.isInteger(rs.ttl) || rs.ttl < 1 || rs.ttl > 2_147_483_647) throw new DnsProviderError(`TTL ${rs.ttl} is not a number of seconds between 1 and 2147483647`, 'INVALID', record);
      const a = await api(ctx);
      const values = [...new Set(rs.values.map((v) => contentOf(rs.type, v)))];
      const rrset = values.length
        ? { name: recordName, type: rs.type, ttl: rs.ttl, changetype: 'REPLACE', records: values.map((content) => ({ content, disabled: false })) }
        : { name: recordName, type: rs.type, changetype: 'DELETE' };
      await a.call('PATCH', a.zonePath(name), { rrsets: [rrset] }, { what: `record ${recordName} ${rs.type} in zone ${name}`, record });
    },

    async deleteRecordSet(ctx, zone, recordName, type) {
      const name = canonicalName(zone);
      const rn = canonicalName(recordName);
      const a = await api(ctx);
      await a.call('PATCH', a.zonePath(name), { rrsets: [{ name: rn, type, changetype: 'DELETE' }] }, { what: `record ${rn} ${type} in zone ${name}`, record: { name: rn, type } });
    },

    async testConnection(ctx) {
      try {
        const { data } = await (await api(ctx)).call<{ version?: string; daemon_type?: string }>('GET', '', undefined, { what: 'server' });
        if (data?.daemon_type && data.daemon_type !== 'authoritative') {
          return { ok: false, message: `This is a PowerDNS ${data.daemon_type} server, not the Authoritative server` };
        }
        return { ok: true, message: `PowerDNS Authoritative ${data?.version ?? ''}`.trim() };
      } catch (err) {
        return { ok: false, message: (err as Error).message } satisfies ConnectionTestResult;
      }
    },

    dnssec: {
      async enable(ctx, zone) {
        const name = canonicalName(zone);
        const a = await api(ctx);
        await a.call('PUT', a.zonePath(name), { dnssec: true, api_rectify: true }, { what: `zone ${name}` });
        await a.call('PUT', `${a.zonePath(name)}/rectify`, undefined, { what: `zone ${name}` });
        const s = await status(ctx, name);
        if (!s.enabled) throw new DnsProviderError(`PowerDNS accepted DNSSEC for ${name} but made no active key (is gsqlite3-dnssec / gpgsql-dnssec on?)`, 'INVALID');
        return s;
      },
      async disable(ctx, zone) {
        const name = canonicalName(zone);
        const a = await api(ctx);
        await a.call('PUT', a.zonePath(name), { dnssec: false }, { what: `zone ${name}` });
      },
      status,
    },
  };
}
