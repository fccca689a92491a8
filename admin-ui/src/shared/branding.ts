/**
 * Tenant branding as CSS design tokens: `{ name, logoUrl, colors: { primary, ... } }` from
 * `GET /api/v1/ui/branding` (public; the tenant comes from the Host). Colours become `--mp-<name>`
 * custom properties on <html>; the name and logo are read by the layout.
 */
import { reactive } from 'vue';

export interface Branding {
  name: string;
  logoUrl: string | null;
  colors: Record<string, string>;
}

export const branding = reactive<Branding>({ name: 'mPanel', logoUrl: null, colors: {} });

const SAFE_COLOR = /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|[a-z]+)$/i;

export function applyBranding(next: Partial<Branding>): void {
  if (next.name) branding.name = next.name;
  if (next.logoUrl !== undefined) branding.logoUrl = next.logoUrl;
  for (const [token, value] of Object.entries(next.colors ?? {})) {
    // Only colour values: a token must not smuggle other CSS (url(), expressions) into the page.
    if (/^[a-z][a-z0-9-]*$/.test(token) && SAFE_COLOR.test(value)) {
      branding.colors[token] = value;
      document.documentElement.style.setProperty(`--mp-${token}`, value);
    }
  }
}

export async function loadBranding(): Promise<void> {
  try {
    const res = await fetch('/api/v1/ui/branding', { headers: { accept: 'application/json' } });
    if (res.ok) applyBranding(((await res.json()) as { data: Partial<Branding> }).data);
  } catch {
    // the default look is fine when branding is unavailable
  }
}
