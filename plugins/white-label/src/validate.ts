import { createHash } from 'node:crypto';
import { isBrandColor } from '@mpanel/sdk';

/** Typography from a safe list: the key is stored, the stack reaches CSS. */
export const FONTS: Record<string, string> = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  humanist: '"Segoe UI", "Helvetica Neue", Arial, sans-serif',
  geometric: 'Futura, "Century Gothic", "Avenir Next", sans-serif',
  serif: 'Georgia, "Times New Roman", serif',
  mono: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
};

/** `default`: the menu in a column; `top-nav`: the menu as a bar under the header. */
export const THEMES = ['default', 'top-nav'] as const;

/** Colour tokens the portal and admin UI use; anything else is refused. */
export const COLOR_TOKENS = ['primary', 'primary-contrast', 'accent', 'surface', 'surface-alt', 'text', 'muted', 'border', 'danger', 'success', 'warning', 'header', 'header-text'] as const;

export const MAX_IMAGE_BYTES = 256 * 1024;
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/x-icon'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const MAGIC: Record<ImageType, (b: Buffer) => boolean> = {
  'image/png': (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  'image/gif': (b) => b.length > 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6)),
  'image/x-icon': (b) => b.length > 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0,
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes and checks an uploaded image: a listed type whose bytes are that type, at most 256 KiB. Returns a reason on failure. */
export function checkImage(contentType: string, base64: string): { data: Buffer; sha256: string } | { error: string } {
  if (!(IMAGE_TYPES as readonly string[]).includes(contentType)) return { error: `type must be one of ${IMAGE_TYPES.join(', ')} (no SVG: it can carry script)` };
  if (base64.length > Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4 || base64.length % 4 !== 0 || !BASE64.test(base64)) return { error: `not base64 of at most ${MAX_IMAGE_BYTES} bytes` };
  const data = Buffer.from(base64, 'base64');
  if (data.length === 0 || data.length > MAX_IMAGE_BYTES) return { error: `an image is 1 to ${MAX_IMAGE_BYTES} bytes` };
  if (!MAGIC[contentType as ImageType](data)) return { error: `the bytes are not a ${contentType} image` };
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

/** An absolute https URL without credentials or characters that could break out of an attribute. */
export function isSafeHttpsUrl(value: string): boolean {
  if (value.length > 2000 || /[\s"'<>\\`]/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password && !!url.hostname;
  } catch {
    return false;
  }
}

/** Plain text: no control characters but newlines. */
export const isPlainText = (value: string): boolean => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(value);

/** A sender display name: no line breaks, quotes or angle brackets (header injection). */
export const isSenderName = (value: string): boolean => value.trim().length > 0 && !/[\r\n"<>\u0000-\u001f\u007f]/.test(value);

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
export const isEmailAddress = (value: string): boolean => EMAIL.test(value);

export { isBrandColor };
