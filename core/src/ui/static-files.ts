import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
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

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg', '.map']);
const gzipAsync = promisify(gzip);

/**
 * Gzipped copies of text assets, made on first request and kept for the process: the assets are
 * hashed and immutable, the whole build is a few MB, and gzip cuts what a browser downloads by
 * about 70 % (the budgets in bench:ui are gzip sizes, so this is what makes them true on the wire).
 */
const gzipped = new Map<string, { mtimeMs: number; body: Buffer }>();

async function gzippedCopy(file: string, info: Stats): Promise<Buffer> {
  const hit = gzipped.get(file);
  if (hit && hit.mtimeMs === info.mtimeMs) return hit.body;
  const body = await gzipAsync(await readFile(file), { level: 9 });
  gzipped.set(file, { mtimeMs: info.mtimeMs, body });
  return body;
}

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
    ctx.set('Cache-Control', cacheControl);
    ctx.set('Last-Modified', info.mtime.toUTCString());
    if (COMPRESSIBLE.has(extname(file))) {
      ctx.vary('Accept-Encoding');
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        const body = await gzippedCopy(file, info);
        ctx.set('Content-Encoding', 'gzip');
        ctx.length = body.length;
        ctx.body = ctx.method === 'HEAD' ? null : body;
        return true;
      }
    }
    ctx.length = info.size;
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
    return true;
  } catch {
    return false;
  }
}
