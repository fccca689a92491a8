import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TenantDb } from '@mpanel/sdk';

/** The tenant's key for reply-address tokens, made on first use. */
export async function mailKey(db: TenantDb): Promise<string> {
  await db.trx.raw('INSERT INTO ticket_mail_keys (tenant_id, secret) VALUES (?, ?) ON CONFLICT (tenant_id) DO NOTHING', [db.tenantId, randomBytes(32).toString('hex')]);
  const row = (await db('ticket_mail_keys').first('secret')) as { secret: string };
  return row.secret;
}

const tokenOf = (key: string, number: number) => createHmac('sha256', key).update(`ticket:${number}`).digest('base64url').slice(0, 12).toLowerCase().replace(/[^a-z0-9]/g, 'x');

/**
 * `support+1234-<token>@acme.test` for ticket 1234 of the department `support@acme.test`: a reply
 * to it finds the ticket even when the client's mail program drops the threading headers, and
 * the token (an HMAC of the number under the tenant's key) keeps a guessed number from posting
 * into somebody else's ticket.
 */
export function replyAddress(departmentEmail: string, key: string, number: number): string {
  const [local, domain] = splitAddress(departmentEmail);
  return `${local}+${number}-${tokenOf(key, number)}@${domain}`;
}

export function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}

/** `support+1234-token@acme.test` → the base address and the tag (null without a `+`). */
export function baseAddress(address: string): { base: string; tag: string | null } {
  const [local, domain] = splitAddress(address.toLowerCase());
  const plus = local.indexOf('+');
  return plus < 0 ? { base: `${local}@${domain}`, tag: null } : { base: `${local.slice(0, plus)}@${domain}`, tag: local.slice(plus + 1) };
}

/** The ticket number a tag names, when its token is right. */
export function ticketNumberOf(tag: string, key: string): number | null {
  const m = /^(\d{1,9})-([a-z0-9]{12})$/.exec(tag);
  if (!m) return null;
  const number = Number(m[1]);
  const expected = Buffer.from(tokenOf(key, number));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? number : null;
}
