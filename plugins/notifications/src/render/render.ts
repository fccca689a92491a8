import type { Knex } from 'knex';
import type { Branding, MailTemplateParts } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { tenantEdits } from '../store/templates.ts';
import { renderPart } from './engine.ts';
import { textFooter, wrapInLayout } from './layout.ts';

export interface RenderedMail extends MailTemplateParts {
  /** The language actually used (`en` when the asked one has no version). */
  language: string;
  /** Whether the tenant's edit (not the default) was used. */
  edited: boolean;
}

/** `de-AT` → [`de-AT`, `de`, `en`]: the recipient's language first, English last. */
export function languageChain(language: string | null | undefined): string[] {
  const chain: string[] = [];
  if (language) chain.push(language, language.split('-')[0]!);
  chain.push('en');
  return [...new Set(chain)];
}

/**
 * The parts to use for a recipient: for each language of the chain, the tenant's edit, else the
 * registered default; the first language that has either wins (a tenant's German edit beats the
 * English default for a German client; an English edit is used for a French one).
 */
export async function pickParts(db: Knex.Transaction, registry: Registry, key: string, language: string | null | undefined): Promise<{ parts: MailTemplateParts; language: string; edited: boolean }> {
  const def = registry.template(key);
  const chain = languageChain(language);
  const edits = new Map((await tenantEdits(db, key, chain)).map((e) => [e.language, e]));
  for (const lang of chain) {
    const edit = edits.get(lang);
    if (edit) return { parts: { subject: edit.subject, html: edit.html, text: edit.text }, language: lang, edited: true };
    const fallback = def.defaults[lang];
    if (fallback) return { parts: fallback, language: lang, edited: false };
  }
  return { parts: def.defaults.en, language: 'en', edited: false };
}

/** Renders the three parts from one template and data; the HTML inside the tenant's branded layout. */
export function renderParts(parts: MailTemplateParts, data: Record<string, unknown>, brand: Branding, language: string): MailTemplateParts {
  const input = { ...data, brand: { name: brand.name, logoUrl: brand.logoUrl } };
  const subject = renderPart('subject', parts.subject, input);
  return {
    subject,
    html: wrapInLayout(renderPart('html', parts.html, input), brand, language, subject),
    text: renderPart('text', parts.text, input) + textFooter(brand),
  };
}

export async function renderMail(db: Knex.Transaction, registry: Registry, brand: Branding, key: string, language: string | null | undefined, data: Record<string, unknown>): Promise<RenderedMail> {
  const picked = await pickParts(db, registry, key, language);
  return { ...renderParts(picked.parts, data, brand, picked.language), language: picked.language, edited: picked.edited };
}
