import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { ParameterizedContext } from 'koa';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

/** `relative` inside `root`, or undefined when it would escape it (`..`, absolute paths). */
export function safeJoin(root: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const full = resolve(base, `.${sep}${decoded}`);
  return full.startsWith(base + sep) ? full : undefined;
}

/** Streams a file if it exists; returns false (and leaves the response alone) when it does not. */
export async function sendFile(ctx: ParameterizedContext, file: string | undefined, cacheControl: string): Promise<boolean> {
  if (!file) return false;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    ctx.status = 200;
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.length = info.size;
    ctx.set('Cache-Control', cacheControl);
    ctx.set('Last-Modified', info.mtime.toUTCString());
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
    return true;
  } catch {
    return false;
  }
}
