import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { domainProblem, normaliseDomain } from './domains.ts';

/**
 * Dovecot's ARGON2ID scheme: `{ARGON2ID}` + the PHC string libsodium's crypto_pwhash_str writes
 * (`$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>`). Dovecot verifies it with libsodium, which
 * needs one lane (p=1); m=64 MiB, t=3 is libsodium's "moderate"-like cost a login can afford.
 */
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 65_536, timeCost: 3, parallelism: 1, outputLen: 32 };
export const DOVECOT_SCHEME = '{ARGON2ID}';

export async function hashMailPassword(password: string): Promise<string> {
  return DOVECOT_SCHEME + (await hash(password, OPTIONS));
}

/** True when `stored` is a Dovecot ARGON2ID hash of `password`. */
export async function verifyMailPassword(stored: string, password: string): Promise<boolean> {
  if (!stored.startsWith(DOVECOT_SCHEME)) return false;
  try {
    return await verify(stored.slice(DOVECOT_SCHEME.length), password);
  } catch {
    return false;
  }
}

/** A local part a mailbox or forwarder may have: lowercase letters, digits, `. _ + -`, no leading, trailing or double dot. */
const LOCAL = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$/;
/** A local part of an outside address (RFC 5322 dot-atom, no quoting): what Postfix can take safely in a map. */
const OUTSIDE_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function normaliseLocalPart(value: string): string {
  return value.trim().toLowerCase();
}

export function localPartProblem(local: string): string | null {
  if (!LOCAL.test(local) || local.includes('..')) return 'must be 1-64 lowercase letters, digits or . _ + - (not starting or ending with a dot, no "..")';
  return null;
}

/** `Someone@Example.COM` → `someone@example.com`, or a problem. */
export function checkedAddress(value: string): { address: string } | { problem: string } {
  const v = value.trim();
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1 || v.length > 254) return { problem: 'is not an email address (local@domain)' };
  const local = v.slice(0, at);
  const domain = normaliseDomain(v.slice(at + 1));
  if (local.length > 64 || !OUTSIDE_LOCAL.test(local)) return { problem: 'has a local part mail servers cannot take (no spaces, quotes, commas or control characters)' };
  if (domainProblem(domain)) return { problem: 'has an invalid domain' };
  return { address: `${local.toLowerCase()}@${domain}` };
}
