/**
 * Tenant branding as CSS design tokens: `{ name, logoUrl, colors: { primary, ... } }` from
 * `GET /api/v1/ui/branding` (public; the tenant comes from the Host). Colours become `--mp-<name>`
 * custom properties on <html>; the name and logo are read by the layout.
 */
import { reactive } from 'vue';
import { isBrandColor, isBrandFont, type Branding } from '@mpanel/sdk/ui';

export const branding = reactive<Branding>({ name: 'mPanel', logoUrl: null, colors: {} });

const SAFE_URL = /^(https:\/\/|\/)[^\s"'<>]{1,2000}$/;

/** The tab's icon: the brand's favicon, else none (never the platform's). */
function setFavicon(url: string | null | undefined): void {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.appendChild(link);
  }
  link.href = url && SAFE_URL.test(url) ? url : 'data:,';
}

export function applyBranding(next: Partial<Branding>): void {
  if (next.name) {
    branding.name = next.name;
    document.title = next.name;
  }
  if (next.logoUrl !== undefined) branding.logoUrl = next.logoUrl;
  if (next.logoDarkUrl !== undefined) branding.logoDarkUrl = next.logoDarkUrl;
  if (next.faviconUrl !== undefined) {
    branding.faviconUrl = next.faviconUrl;
    setFavicon(next.faviconUrl);
  }
  if (isBrandFont(next.fontFamily)) {
    branding.fontFamily = next.fontFamily;
    document.documentElement.style.setProperty('--mp-font', next.fontFamily);
    document.documentElement.style.fontFamily = next.fontFamily;
  }
  if (typeof next.loginText === 'string') branding.loginText = next.loginText;
  if (typeof next.footer === 'string') branding.footer = next.footer;
  if (Array.isArray(next.legalLinks)) branding.legalLinks = next.legalLinks.filter((l) => /^https:\/\//.test(l.url));
  if (typeof next.theme === 'string' && /^[a-z][a-z0-9-]{0,40}$/.test(next.theme)) {
    branding.theme = next.theme;
    document.documentElement.dataset.mpTheme = next.theme;
  }
  for (const [token, value] of Object.entries(next.colors ?? {})) {
    if (isBrandColor(token, value)) {
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
