import { Resolver } from 'node:dns/promises';
import { dnsZonesRef, type DnsRecordType } from '@mpanel/sdk';
import { MailDomain } from '../models/index.ts';
import type { SpecContext } from '../resources/spec.ts';

/**
 * A mail domain's DNS (issue 18 §3): MX to the account's server, SPF, the DKIM public key under
 * `<selector>._domainkey` and DMARC (`p=none`). Written through the dns plugin's `dns.zones` when
 * it is there and the tenant hosts the zone; removed with the mail domain. The check resolves
 * them through the resolvers of the `mailDnsResolvers` setting (the system's when empty), for a
 * zone hosted elsewhere as for one hosted here.
 */
export const MAIL_SETTINGS = {
  mailDnsResolvers: {
    type: 'array', maxItems: 4, default: [],
    items: { type: 'string', maxLength: 60, pattern: '^(\\d{1,3}(\\.\\d{1,3}){3}(:\\d{1,5})?|\\[[0-9a-fA-F:]+\\](:\\d{1,5})?|[0-9a-fA-F:]+)$' },
    description: 'Resolvers the mail DNS check asks (`203.0.113.53`, `127.0.0.1:5353`); empty: the system resolvers',
  },
} as const;

export interface MailRecord { name: string; type: Extract<DnsRecordType, 'MX' | 'TXT'>; value: string; purpose: 'mx' | 'spf' | 'dkim' | 'dmarc' }

/** A server's mail host name: its host name, lower case, without a trailing dot (the name its certificate is for). */
export const serverMailHost = (hostname: string): string => hostname.toLowerCase().replace(/\.$/, '');

/** The host name mail clients and MX point at: the account's server, or `mail.<domain>` while unplaced. */
export async function mailHost(ctx: SpecContext, domain: string): Promise<string> {
  if (ctx.account.serverId) {
    const server = (await ctx.h.db('servers').where('servers.id', ctx.account.serverId).first('hostname')) as { hostname: string } | undefined;
    if (server) return serverMailHost(server.hostname);
  }
  return `mail.${domain}`;
}

export async function expectedRecords(ctx: SpecContext, md: MailDomain): Promise<MailRecord[]> {
  const host = await mailHost(ctx, md.domain);
  return [
    { purpose: 'mx', name: md.domain, type: 'MX', value: `10 ${host}.` },
    { purpose: 'spf', name: md.domain, type: 'TXT', value: 'v=spf1 mx a ~all' },
    { purpose: 'dkim', name: `${md.dkimSelector}._domainkey.${md.domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${md.dkimPublicKey}` },
    { purpose: 'dmarc', name: `_dmarc.${md.domain}`, type: 'TXT', value: 'v=DMARC1; p=none' },
  ];
}

/** Adds the records when the zone is hosted here (in a savepoint: a refusal is logged, the domain is kept). Returns what was added. */
export async function addMailDns(ctx: SpecContext, md: MailDomain): Promise<MailRecord[]> {
  const service = ctx.h.plugin.services.tryResolve(dnsZonesRef);
  if (!service) return [];
  const records = await expectedRecords(ctx, md);
  try {
    const added = await ctx.h.db.trx.transaction(async (sp) => {
      const zones = service.forTenant(sp, ctx.h.db.tenantId);
      if (!(await zones.findZoneFor(md.domain))) return [];
      for (const r of records) await zones.addValue({ name: r.name, type: r.type, value: r.value });
      return records;
    });
    if (added.length) await MailDomain.scoped(ctx.h.db).findById(md.id).patch({ dnsRecords: added } as never);
    return added;
  } catch (err) {
    ctx.h.plugin.logger.warn({ err, mailDomainId: md.id, domain: md.domain }, 'hosting: the mail DNS records could not be added; the mail domain is kept without them');
    return [];
  }
}

/** Removes the values this mail domain added (others' values of the same sets stay). */
export async function removeMailDns(ctx: SpecContext, md: MailDomain): Promise<void> {
  const service = ctx.h.plugin.services.tryResolve(dnsZonesRef);
  if (!service || !md.dnsRecords?.length) return;
  try {
    await ctx.h.db.trx.transaction(async (sp) => {
      const zones = service.forTenant(sp, ctx.h.db.tenantId);
      for (const r of md.dnsRecords) if (await zones.findZoneFor(r.name)) await zones.removeValue({ name: r.name, type: r.type, value: r.value });
    });
    await MailDomain.scoped(ctx.h.db).findById(md.id).patch({ dnsRecords: [] } as never);
  } catch (err) {
    ctx.h.plugin.logger.warn({ err, mailDomainId: md.id, domain: md.domain }, 'hosting: the mail DNS records could not be removed');
  }
}

export type CheckStatus = 'ok' | 'missing' | 'different' | 'unknown';
export interface RecordCheck { purpose: MailRecord['purpose']; name: string; type: string; expected: string; found: string[]; status: CheckStatus; error?: string }

const norm = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');
/** `v=DKIM1; k=rsa; p=AB CD` → `{ v: 'DKIM1', k: 'rsa', p: 'ABCD' }` */
function tags(txt: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of txt.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).replace(/\s+/g, '');
  }
  return out;
}

function matches(r: MailRecord, found: string): boolean {
  if (r.purpose === 'mx') return norm(found.split(/\s+/)[1] ?? '') === norm(r.value.split(/\s+/)[1]!);
  if (r.purpose === 'spf') return found.trim() === r.value;
  if (r.purpose === 'dkim') return tags(found).p === tags(r.value).p;
  return tags(found).v === 'DMARC1' && !!tags(found).p;
}

/** Which TXT strings belong to this record's purpose (the apex has other TXT records). */
function relevant(r: MailRecord, found: string): boolean {
  if (r.purpose === 'spf') return /^v=spf1(\s|$)/i.test(found.trim());
  if (r.purpose === 'dmarc') return /^v=DMARC1/i.test(found.trim());
  return true;
}

function resolverFor(servers: string[]): Resolver {
  const resolver = new Resolver({ timeout: 3000, tries: 1 });
  if (servers.length) resolver.setServers(servers);
  return resolver;
}

/** Resolves each expected record: "ok" (published and matching), "missing", "different", or "unknown" (the resolver failed). */
export async function checkMailDns(ctx: SpecContext, md: MailDomain): Promise<{ domain: string; hostedHere: boolean; records: RecordCheck[] }> {
  const settings = (await ctx.h.plugin.settings.get(ctx.h.db.tenantId).catch(() => ({}))) as { mailDnsResolvers?: string[] };
  const resolver = resolverFor(settings.mailDnsResolvers ?? []);
  const records = await expectedRecords(ctx, md);
  // All four at once: a resolver that does not answer costs one timeout, not four.
  const out = await Promise.all(records.map(async (r): Promise<RecordCheck> => {
    let found: string[] = [];
    let error: string | undefined;
    try {
      found = r.type === 'MX'
        ? (await resolver.resolveMx(r.name)).map((m) => `${m.priority} ${m.exchange}.`)
        : (await resolver.resolveTxt(r.name)).map((chunks) => chunks.join(''));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENODATA' && code !== 'ENOTFOUND') error = `${code ?? 'ERROR'}: ${(err as Error).message}`;
    }
    const mine = found.filter((f) => relevant(r, f));
    const status: CheckStatus = error ? 'unknown' : !mine.length ? 'missing' : mine.some((f) => matches(r, f)) ? 'ok' : 'different';
    return { purpose: r.purpose, name: r.name, type: r.type, expected: r.value, found: mine, status, ...(error ? { error } : {}) };
  }));
  return { domain: md.domain, hostedHere: md.dnsRecords.length > 0, records: out };
}
