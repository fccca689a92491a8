/**
 * Just enough MIME for the tests: the text and HTML parts of a message nodemailer built
 * (multipart/alternative, quoted-printable or base64), and RFC 2047 encoded subjects.
 */
function decodeQp(s: string): string {
  const bytes: number[] = [];
  const joined = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function split(raw: string): { head: string; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  return { head: raw.slice(0, at), body: raw.slice(at).replace(/^\r?\n\r?\n/, '') };
}

function headerOf(head: string, name: string): string {
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return m?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? '';
}

function decodePart(head: string, body: string): string {
  const enc = headerOf(head, 'Content-Transfer-Encoding').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return decodeQp(body);
  return body;
}

export function mimeParts(raw: string): { text: string; html: string } {
  const out = { text: '', html: '' };
  const visit = (chunk: string) => {
    const { head, body } = split(chunk);
    const type = headerOf(head, 'Content-Type');
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const part of body.split(`--${boundary}`).slice(1)) if (!part.startsWith('--')) visit(part.replace(/^\r?\n/, ''));
    } else if (/^text\/html/i.test(type)) out.html = decodePart(head, body).replace(/\r\n/g, '\n');
    else if (/^text\/plain/i.test(type) || !type) out.text = decodePart(head, body).replace(/\r\n/g, '\n');
  };
  visit(raw);
  return out;
}

/** A header with RFC 2047 encoded words decoded (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
export function decodedHeader(raw: string, name: string): string {
  const value = headerOf(split(raw).head, name);
  return value.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')));
}
