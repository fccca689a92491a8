import type { ExtensionCallContext } from './common.ts';

/** How a tenant's admin UI and portal look: `colors` become `--mp-<name>` CSS tokens in the browser. */
export interface Branding {
  name: string;
  logoUrl: string | null;
  /** Token name (`primary`, `surface`, `text`, …) → a CSS colour (`#0a7`, `rgb(…)`, `hsl(…)`, a name). */
  colors: Record<string, string>;
  /** Plain text under every mail and the portal's pages (address, legal line). */
  footer?: string;
  /** The logo on dark backgrounds; the favicon (https URL or a same-origin path). */
  logoDarkUrl?: string | null;
  faviconUrl?: string | null;
  /** A font stack from the white-label plugin's safe list (`--mp-font`). */
  fontFamily?: string;
  /** Plain text shown above the portal's sign-in form. */
  loginText?: string;
  /** Legal links (terms, privacy) in the portal's footer: https URLs only. */
  legalLinks?: Array<{ label: string; url: string }>;
  /** The portal theme the tenant selected (`default`, `sidebar`). */
  theme?: string;
  /** Who the tenant's mails come from; never sent to the browser. */
  mailFrom?: { name: string; address?: string };
}

/** A font stack a brand may set: names, quotes, commas, hyphens and spaces only (no `url()`, no `;`). */
export function isBrandFont(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 200 && /^[A-Za-z0-9 ,"-]+$/.test(value);
}

/**
 * A white-label source: the branding of a tenant, usually from the plugin's per-tenant settings.
 * Served by `GET /api/v1/ui/branding` from the first provider enabled for the tenant; what it leaves
 * out keeps the default. No rebuild: the pages read it at run time.
 */
export interface BrandingProvider<TSettings = Record<string, unknown>> {
  displayName: string;
  branding(ctx: ExtensionCallContext<TSettings>): Promise<Partial<Branding>>;
  /**
   * The bytes of the tenant's logo when the provider stores it (an uploaded image), for what is
   * rendered outside a browser (an invoice PDF embeds the image, it cannot fetch a same-origin
   * path). Null when the logo is an external URL or unset: nothing is fetched from the network.
   */
  logoImage?(ctx: ExtensionCallContext<TSettings>): Promise<BrandImage | null>;
}

/** An image a branding provider holds: its type (`image/png`, …) and bytes (a Node Buffer is one; the SDK's types stay browser-safe for plugin UIs). */
export interface BrandImage {
  contentType: string;
  data: Uint8Array;
}

const TOKEN_NAME = /^[a-z][a-z0-9-]{0,40}$/;
const COLOR_VALUE = /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|[a-z]{3,30})$/i;

/**
 * Whether a brand token may reach a page as `--mp-<token>`: a plain token name and a colour value
 * only, so a setting cannot smuggle other CSS (`url()`, expressions) in. The server filters a
 * provider's answer with it and the browser checks again before it sets a property.
 */
export function isBrandColor(token: string, value: unknown): value is string {
  return TOKEN_NAME.test(token) && typeof value === 'string' && COLOR_VALUE.test(value);
}
