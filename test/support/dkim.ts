import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** DKIM relaxed/relaxed verification of one signature (RFC 6376 §3.4.2, §3.4.4, §3.7). */
export function verifyDkim(raw: string, publicKey: string | KeyObject): { ok: boolean; d: string; s: string; bodyOk: boolean } {
  const msg = raw.replace(/\r?\n/g, '\r\n');
  const split = msg.indexOf('\r\n\r\n');
  const headerText = msg.slice(0, split + 2);
  const body = msg.slice(split + 4);
  const headers = headerText.split(/\r\n(?![ \t])/).filter(Boolean).map((h) => h + '\r\n');
  const relaxHeader = (h: string) => {
    const i = h.indexOf(':');
    return `${h.slice(0, i).trim().toLowerCase()}:${h.slice(i + 1).replace(/\r\n([ \t])/g, '$1').replace(/[ \t]+/g, ' ').replace(/\s+$/, '').trim()}`;
  };
  const sigHeader = headers.find((h) => /^dkim-signature:/i.test(h));
  assert.ok(sigHeader, 'no DKIM-Signature header');
  const tags = Object.fromEntries(sigHeader.slice(sigHeader.indexOf(':') + 1).replace(/\s+/g, '').split(';').filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  assert.equal(tags.c, 'relaxed/relaxed');
  let canonBody = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, '')).join('\r\n').replace(/(\r\n)*$/, '');
  if (canonBody.length) canonBody += '\r\n';
  const bodyOk = createHash('sha256').update(canonBody).digest('base64') === tags.bh;
  const used = new Set<number>();
  let data = '';
  for (const name of String(tags.h).split(':')) {
    for (let i = headers.length - 1; i >= 0; i--) {
      if (used.has(i) || headers[i]!.slice(0, headers[i]!.indexOf(':')).trim().toLowerCase() !== name.toLowerCase()) continue;
      used.add(i);
      data += relaxHeader(headers[i]!) + '\r\n';
      break;
    }
  }
  data += relaxHeader(sigHeader.replace(/(\bb=)[^;]*/, (m, p1: string) => (m.startsWith('bh') ? m : p1)));
  const ok = cryptoVerify('sha256', Buffer.from(data), typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey, Buffer.from(String(tags.b), 'base64'));
  return { ok, d: String(tags.d), s: String(tags.s), bodyOk };
}
