import { createHash } from 'node:crypto';
import type { UiExternalOrigins } from '@mpanel/sdk';

/** The sha256 CSP source of every inline `<script>` in a page (the import map is the only one). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1] ?? '', 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** Other origins a page may load scripts from, frame and call: what active plugins declare (`ui.externalOrigins`). */
export type ExternalOrigins = UiExternalOrigins;

/** The union of several declarations, each origin once, in a stable order (the CSP is cached by it). */
export function mergeOrigins(...all: Array<ExternalOrigins | undefined>): ExternalOrigins {
  const union = (key: keyof ExternalOrigins) => [...new Set(all.flatMap((o) => o?.[key] ?? []))].sort();
  return { scripts: union('scripts'), frames: union('frames'), connect: union('connect') };
}

/**
 * The Content-Security-Policy of a UI page: scripts only from this origin plus the page's own
 * import map (by hash, so no 'unsafe-inline' for scripts). Styles allow inline because the UI kit
 * injects its theme as <style> elements at run time.
 */
export function pageCsp(html: string, external: ExternalOrigins = {}): string {
  const extra = (list: string[] | undefined) => (list?.length ? ` ${list.join(' ')}` : '');
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(' ')}`.trim() + extra(external.scripts),
    ...(external.frames?.length ? [`frame-src${extra(external.frames)}`] : []),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    `connect-src 'self' ws: wss:${extra(external.connect)}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
