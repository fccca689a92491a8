import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { ValidationError } from '@mpanel/sdk';
import { isPrivateAddress } from '../net/address-guard.ts';

// The guard itself is shared by every tenant-configured connection (core/src/net/address-guard.ts).
export { isPrivateAddress, guardedLookup, PrivateTargetError as SsrfError } from '../net/address-guard.ts';

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
