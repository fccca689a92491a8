import { isBrandColor, type Branding } from '@mpanel/sdk';
import { escapeHtml } from './engine.ts';

const LOGO = /^https:\/\/[^\s"'<>]{1,2000}$/;
const DEFAULT_PRIMARY = '#2563eb';

/** The tenant's colour for a token when it is a plain colour value, else the default. */
function color(brand: Branding, token: string, fallback: string): string {
  const value = brand.colors[token];
  return value !== undefined && isBrandColor(token, value) ? value : fallback;
}

/**
 * The base layout every HTML mail is wrapped in: one centred 600px table that shrinks to the
 * screen on phones (max-width + a media query), inline styles (clients drop <style> blocks; the
 * query is a progressive extra), the tenant's logo (absolute https only: a relative URL means
 * nothing in a mailbox), primary colour as the header bar and links, and the footer text.
 * `content` is the rendered template body (already escaped by the engine).
 */
export function wrapInLayout(content: string, brand: Branding, language: string, subject: string): string {
  const primary = color(brand, 'primary', DEFAULT_PRIMARY);
  const name = escapeHtml(brand.name);
  const logo = brand.logoUrl && LOGO.test(brand.logoUrl)
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${name}" height="40" style="display:block;height:40px;max-width:200px;border:0">`
    : `<span style="font-size:20px;font-weight:bold;color:#ffffff">${name}</span>`;
  const footer = brand.footer ? escapeHtml(brand.footer).replace(/\n/g, '<br>') : name;
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(subject)}</title>
<style>
@media only screen and (max-width: 620px) { .mp-container { width: 100% !important; } .mp-body { padding: 16px !important; } }
a { color: ${primary}; }
</style>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7">
<tr><td align="center" style="padding:24px 8px">
<table role="presentation" class="mp-container" width="600" cellpadding="0" cellspacing="0" style="width:600px;max-width:100%;background:#ffffff;border-radius:6px;overflow:hidden">
<tr><td style="background:${primary};padding:16px 24px">${logo}</td></tr>
<tr><td class="mp-body" style="padding:24px;font-size:15px;line-height:1.5">${content}</td></tr>
<tr><td style="padding:16px 24px;font-size:12px;color:#6b7280;border-top:1px solid #e5e7eb">${footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

/** The text part's footer: the brand's footer text or name under a separator. */
export function textFooter(brand: Branding): string {
  return brand.footer ? `\n\n--\n${brand.footer}` : "";
}
