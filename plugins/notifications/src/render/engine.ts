import Handlebars from 'handlebars';

/**
 * One Handlebars environment of our own (no helpers or partials a template could reach besides
 * the built-ins: if, unless, each, with). `{{name}}` is HTML-escaped in HTML parts; the subject
 * and the text part are plain text and compiled with `noEscape` (a name like `O'Brien & Sons`
 * must read as written there, and text/plain runs no markup).
 */
const hbs = Handlebars.create();

export type PartKind = 'subject' | 'html' | 'text';

/** Tenant-edited HTML must not print raw values: `{{{x}}}` and `{{& x}}` bypass escaping. */
const RAW_OUTPUT = /\{\{\{|\{\{~?\s*&/;

export class TemplateSyntaxError extends Error {
  constructor(readonly part: PartKind, message: string) {
    super(message);
  }
}

const cache = new Map<string, HandlebarsTemplateDelegate>();

function compile(kind: PartKind, source: string): HandlebarsTemplateDelegate {
  const cacheKey = `${kind}\u0000${source}`;
  let fn = cache.get(cacheKey);
  if (!fn) {
    fn = hbs.compile(source, { noEscape: kind !== 'html', strict: false, knownHelpersOnly: true });
    if (cache.size > 2000) cache.clear(); // tenant edits churn: keep memory bounded
    cache.set(cacheKey, fn);
  }
  return fn;
}

/** Throws TemplateSyntaxError when a part does not compile, or prints raw HTML. */
export function validatePart(kind: PartKind, source: string, sample: Record<string, unknown>): void {
  if (kind === 'html' && RAW_OUTPUT.test(source)) throw new TemplateSyntaxError(kind, 'raw output ({{{…}}} or {{& …}}) is not allowed: values are always escaped');
  try {
    compile(kind, source)(sample);
  } catch (err) {
    throw new TemplateSyntaxError(kind, (err as Error).message.split('\n')[0] ?? 'invalid template');
  }
}

export function renderPart(kind: PartKind, source: string, data: Record<string, unknown>): string {
  const out = compile(kind, source)(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  // A header cannot hold a line break (header injection through a client's name).
  return kind === 'subject' ? out.replace(/[\r\n]+/g, ' ').trim() : out;
}

/** Escapes a value for HTML the same way templates do (the layout's brand values). */
export const escapeHtml = (value: string): string => hbs.escapeExpression(value);
