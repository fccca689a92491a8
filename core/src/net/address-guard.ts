import { lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { PrivateTargetError, ValidationError } from '@mpanel/sdk';

/**
 * The one guard for connections whose target a tenant chooses (webhook URLs, SMTP host, and the
 * DNS, panel and registrar hosts plugins connect to): only global unicast addresses pass. Anything
 * ipaddr.js knows as special — loopback, private, link-local (cloud metadata), CGNAT, multicast,
 * and the IPv6 forms that carry an IPv4 address inside (mapped, 6to4 2002::/16, NAT64, Teredo) — is
 * refused, so a tenant admin cannot make the server reach or scan the internal network.
 */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  return ipaddr.parse(address).range() !== 'unicast';
}

export { PrivateTargetError };

/** IPv4 first, as nodemailer and most clients try them: a server on 127.0.0.1 only is reached as `localhost`. */
function resolveAll(host: string): Promise<Array<{ address: string; family: number }>> {
  return new Promise((resolve, reject) => lookup(host, { all: true, verbatim: false }, (err, addresses) => (err ? reject(err) : resolve(addresses))));
}

/**
 * Resolves a tenant-configured host to one address that is safe to connect to. Connect to the
 * returned address (not the name again): a second resolution could answer differently (DNS rebinding).
 */
export async function resolvePublicAddress(host: string, allowPrivate: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const literal = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(literal) ? [{ address: literal, family: isIP(literal) }] : await resolveAll(literal);
  if (!addresses.length) throw new Error(`${host} does not resolve`);
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad && !allowPrivate) throw new PrivateTargetError(`Refusing to connect to private address ${bad.address} (${host})`);
  return { address: addresses[0]!.address, family: addresses[0]!.family === 6 ? 6 : 4 };
}

/**
 * Refuses, when a tenant saves it, a host that resolves to a private address (400 on `field`). A
 * host that does not resolve yet passes: it is checked again at every connection.
 */
export async function assertNotPrivateHost(host: string, allowPrivate: boolean, field: string): Promise<void> {
  if (allowPrivate) return;
  try {
    await resolvePublicAddress(host, false);
  } catch (err) {
    if (err instanceof PrivateTargetError) throw new ValidationError({ [field]: 'must not point to a private or loopback address' });
  }
}

/**
 * A DNS lookup for node's http/https/net that refuses private targets: checking the address
 * actually connected to (not a separate resolution before) closes the DNS-rebinding gap.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as Array<{ address: string; family: number }>;
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad && !allowPrivate) return callback(new PrivateTargetError(`Refusing to connect to private address ${bad.address} (${hostname})`), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
