/**
 * Tenant branding as CSS design tokens: `{ name, logoUrl, colors: { primary, ... } }` from
 * `GET /api/v1/ui/branding` (public; the tenant comes from the Host). Colours become `--mp-<name>`
 * custom properties on <html>; the name and logo are read by the layout.
 */
import { reactive } from 'vue';
import { isBrandColor, type Branding } from '@mpanel/sdk/ui';

export const branding = reactive<Branding>({ name: 'mPanel', logoUrl: null, colors: {} });

export function applyBranding(next: Partial<Branding>): void {
  if (next.name) branding.name = next.name;
  if (next.logoUrl !== undefined) branding.logoUrl = next.logoUrl;
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
