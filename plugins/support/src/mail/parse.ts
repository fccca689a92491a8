import { simpleParser, type AddressObject } from 'mailparser';
import type { IncomingFile } from '../attachments/policy.ts';
import type { HeaderLookup } from './automated.ts';

export interface ParsedMail {
  fromEmail: string | null;
  fromName: string | null;
  subject: string;
  text: string;
  messageId: string | null;
  /** In-Reply-To then References, newest first: the ids this mail answers. */
  replyTo: string[];
  files: IncomingFile[];
  header: HeaderLookup;
}

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);

/** An HTML-only mail's text: tags dropped, entities of the common kind decoded. */
function textOfHtml(html: string): string {
  return html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '').replace(/<br\s*\/?>|<\/p>/gi, '\n').replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const m = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const from = addresses(m.from)[0];
  const refs = typeof m.references === 'string' ? [m.references] : (m.references ?? []);
  const replyTo = [...new Set([...(m.inReplyTo ? [m.inReplyTo] : []), ...[...refs].reverse()])];
  const header: HeaderLookup = (name) => {
    const v = m.headers.get(name.toLowerCase());
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : String(v);
  };
  return {
    fromEmail: from?.address?.toLowerCase() ?? null,
    fromName: from?.name || null,
    subject: (m.subject ?? '').trim(),
    text: m.text ?? (typeof m.html === 'string' ? textOfHtml(m.html) : ''),
    messageId: m.messageId ?? null,
    replyTo,
    files: m.attachments.filter((a) => a.contentDisposition !== 'inline' || !a.contentId).map((a) => ({ filename: a.filename ?? 'attachment', content: a.content })),
    header,
  };
}
