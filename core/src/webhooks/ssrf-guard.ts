import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '@mpanel/sdk';

/** Addresses a webhook must never reach: loopback, private, link-local (cloud metadata), CGNAT, multicast... */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) blocked.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  return blocked.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export class SsrfError extends Error {}

/**
 * A DNS lookup for the HTTP request that refuses private targets: checking the address actually
 * connected to (not a separate resolution before) closes the DNS-rebinding gap.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as Array<{ address: string; family: number }>;
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad && !allowPrivate) return callback(new SsrfError(`Refusing to connect to private address ${bad.address} (${hostname})`), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Rejects, at creation time, a webhook URL that is not http(s) or names a private address. */
export async function assertWebhookUrl(url: string, allowPrivate: boolean): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError({ url: 'must be a URL' });
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new ValidationError({ url: 'must be http or https' });
  if (allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await new Promise<string[]>((resolve) => lookup(host, { all: true }, (err, a) => resolve(err ? [] : a.map((x) => x.address))));
  if (!addresses.length) throw new ValidationError({ url: 'host does not resolve' });
  if (addresses.some(isPrivateAddress)) throw new ValidationError({ url: 'must not point to a private or loopback address' });
}
