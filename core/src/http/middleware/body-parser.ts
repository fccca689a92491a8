import type { Middleware } from 'koa';
import { HttpError, ValidationError } from '@mpanel/sdk';
import { assertSaneInput } from '../sane-input.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(stream: NodeJS.ReadableStream, limit: number, declared: number): Promise<Buffer> {
  if (declared > limit) throw new HttpError(413, 'Request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > limit) throw new HttpError(413, 'Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads JSON bodies (and keeps the raw bytes on `ctx.rawBody` for webhook signatures).
 * Malformed JSON is a 400, more than 1 MB a 413, another content type on a body a 415.
 */
export function bodyParser(limit = MAX_BODY_BYTES): Middleware {
  return async (ctx, next) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method)) return next();
    const declared = Number(ctx.get('content-length') || 0);
    const raw = await readBody(ctx.req, limit, declared);
    ctx.rawBody = raw;
    if (raw.length === 0) {
      ctx.request.body = undefined;
      return next();
    }
    const type = ctx.request.type;
    if (type === 'application/json' || type.endsWith('+json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ValidationError({ body: 'is not valid JSON' }, 'Malformed JSON');
      }
      assertSaneInput(parsed, 'body');
      ctx.request.body = parsed;
    } else if (type !== '' && type !== 'application/octet-stream' && type !== 'text/plain') {
      throw new HttpError(415, 'Unsupported content type', { 'content-type': 'must be application/json' });
    }
    await next();
  };
}

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
  interface BaseContext {
    rawBody?: Buffer;
  }
}
