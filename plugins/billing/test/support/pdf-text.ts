import { inflateSync } from 'node:zlib';

/**
 * What a pdfkit PDF says, compressed or not: every stream inflated where it is Flate-encoded, the
 * shown text decoded from pdfkit's hex strings (`<48656c6c6f> Tj`, WinAnsi: latin1 with 0x80 = €),
 * the literal strings of the objects decoded (the Info dictionary's Title, Producer, …, UTF-16
 * when not ASCII), followed by the raw objects.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) continue;
    const body = pdf.subarray(start, end);
    try {
      streams.push(inflateSync(body).toString('latin1'));
    } catch {
      streams.push(body.toString('latin1'));
    }
  }
  const all = `${streams.join('\n')}\n${raw}`;
  const shown = [...all.matchAll(/<([0-9a-fA-F]+)>/g)].map((m) => Buffer.from(m[1]!, 'hex').toString('latin1').replace(/\x80/g, '€')).join('');
  const literals = [...raw.matchAll(LITERAL)].map((m) => literal(m[1]!)).join('\n');
  return `${shown}\n${literals}\n${all}`;
}

const LITERAL = /\(((?:\\.|[^\\)])*)\)/g;

/** A PDF literal string's text: escapes undone, UTF-16BE when it starts with the byte order mark. */
function literal(body: string): string {
  const bytes = Buffer.from(body.replace(/\\([nrtbf()\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c), 'latin1');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1))).swap16().toString('utf16le');
  return bytes.toString('latin1');
}

/** One entry of the PDF's Info dictionary (`/Producer 10 0 R` → object 10's string), decoded. */
export function pdfInfo(pdf: Buffer, key: string): string | undefined {
  const raw = pdf.toString('latin1');
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw)?.[1];
  const direct = new RegExp(`/${key}\\s*\\(((?:\\\\.|[^\\\\)])*)\\)`).exec(raw)?.[1];
  if (direct !== undefined) return literal(direct);
  if (!ref) return undefined;
  const body = new RegExp(`(?:^|\\n)${ref} 0 obj\\s*\\(((?:\\\\.|[^\\\\)])*)\\)\\s*endobj`).exec(raw)?.[1];
  return body === undefined ? undefined : literal(body);
}
