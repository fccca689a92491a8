import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ProvisioningError, type OperationContext } from '@mpanel/sdk';
import { codeOfReason } from './reasons.ts';
import type { WhmConnection } from './connection.ts';

/** WHM API 1's answer: `metadata.result` 1 or 0 and the reason; `data` per function. */
export interface WhmEnvelope<T = Record<string, unknown>> {
  metadata: { result: 0 | 1; reason: string; command?: string; version?: number; output?: { raw?: string } };
  data?: T;
}

export interface WhmCallOptions {
  timeoutMs: number;
  /** The call changes the server: a timeout or 5xx after sending may hide an applied change. */
  mutating: boolean;
  operation?: OperationContext;
  signal?: AbortSignal;
  /** Label of the server in messages. */
  label: string;
}

/** Parameters never written to the operation log in clear. */
const SECRET_PARAMS = ['password'];

/**
 * Calls one WHM API 1 function. POST with a form body (passwords stay out of URLs and logs), a
 * hard timeout, TLS as the server is configured. Every outcome that is not `result: 1` becomes a
 * ProvisioningError with the code the platform acts on; each call is a step of the operation log.
 */
export async function callWhm<T = Record<string, unknown>>(conn: WhmConnection, fn: string, params: Record<string, string>, opts: WhmCallOptions): Promise<WhmEnvelope<T>> {
  const started = Date.now();
  const logged = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, SECRET_PARAMS.includes(k) ? '***' : v]));
  const step = (ok: boolean, response: unknown, detail?: string) =>
    opts.operation?.step(`whm ${fn}`, { request: logged, response, ok, ms: Date.now() - started, ...(detail ? { detail } : {}) }, SECRET_PARAMS);
  let answer: { status: number; headers: IncomingMessage['headers']; text: string };
  try {
    answer = await send(conn, fn, params, opts);
  } catch (err) {
    const e = transportError(err as Error & { code?: string; sent?: boolean }, fn, opts);
    step(false, undefined, e.message);
    throw e;
  }
  const body = parse(answer.text);
  if (answer.status === 401 || answer.status === 403) {
    step(false, body);
    throw new ProvisioningError(`WHM on ${opts.label} refused the API token of user ${conn.username} (HTTP ${answer.status}): create a new token in WHM (Manage API Tokens) and set it on the server`, 'AUTH', { retryable: false, detail: body });
  }
  if (answer.status === 429) {
    step(false, body);
    const after = Number(answer.headers['retry-after']);
    throw new ProvisioningError(`WHM on ${opts.label} is rate limiting API calls`, 'RATE_LIMITED', { ...(Number.isFinite(after) && after > 0 ? { retryAfterMs: after * 1000 } : {}), detail: body });
  }
  if (answer.status >= 500) {
    step(false, typeof body === 'string' ? body.slice(0, 500) : body);
    throw new ProvisioningError(`WHM on ${opts.label} answered HTTP ${answer.status} to ${fn}${opts.mutating ? ': the change may have been applied, the account is observed before any retry' : ''}`,
      'REMOTE_UNAVAILABLE', { ambiguous: opts.mutating, detail: { status: answer.status } });
  }
  if (!isEnvelope(body)) {
    step(false, typeof body === 'string' ? body.slice(0, 500) : body);
    throw new ProvisioningError(`WHM on ${opts.label} answered ${fn} with HTTP ${answer.status} and no WHM API 1 result: is the port WHM's (2087)?`, 'REMOTE_ERROR', { retryable: false, detail: { status: answer.status } });
  }
  const ok = body.metadata.result === 1;
  step(ok, body.metadata);
  if (!ok) {
    const reason = String(body.metadata.reason ?? 'no reason given').replace(/^\(XID [^)]*\)\s*/, '');
    const code = codeOfReason(reason);
    throw new ProvisioningError(`WHM ${fn} failed on ${opts.label}: ${reason}`, code, { ...(code === 'RATE_LIMITED' ? {} : { retryable: false }), detail: body.metadata });
  }
  return body as WhmEnvelope<T>;
}

function send(conn: WhmConnection, fn: string, params: Record<string, string>, opts: WhmCallOptions): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  const payload = new URLSearchParams(params).toString();
  const options: RequestOptions = {
    method: 'POST', host: conn.host, port: conn.port, path: `/json-api/${encodeURIComponent(fn)}?api.version=1`,
    headers: { authorization: `whm ${conn.username}:${conn.token}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(payload), accept: 'application/json' },
    ...(opts.signal ? { signal: opts.signal } : {}),
    // A connection per call: a pooled socket would skip the fingerprint check below, and WHM calls are few.
    agent: false,
  };
  if (conn.protocol === 'https') {
    options.servername = conn.servername;
    // A pinned fingerprint replaces CA verification (self-signed WHM certificates); checked on connect below.
    options.rejectUnauthorized = !conn.insecure && !conn.fingerprint;
    if (conn.caPem) options.ca = conn.caPem;
  }
  return new Promise((resolve, reject) => {
    let sent = false;
    const req = (conn.protocol === 'https' ? httpsRequest : httpRequest)(options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', (err) => reject(Object.assign(err, { sent: true })));
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT_WHM', sent })));
    req.on('error', (err) => reject(Object.assign(err, { sent: (err as { sent?: boolean }).sent ?? sent })));
    req.on('socket', (socket) => {
      if (conn.protocol === 'https' && conn.fingerprint) {
        socket.once('secureConnect', () => {
          const seen = (socket as TLSSocket).getPeerCertificate().fingerprint256;
          if (seen !== conn.fingerprint) req.destroy(Object.assign(new Error(`certificate fingerprint ${seen} is not the pinned ${conn.fingerprint}`), { code: 'FINGERPRINT_MISMATCH' }));
        });
      }
    });
    req.on('finish', () => (sent = true));
    req.end(payload);
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|FINGERPRINT_MISMATCH|ERR_TLS|HOSTNAME/;

function transportError(err: Error & { code?: string; sent?: boolean }, fn: string, opts: WhmCallOptions): ProvisioningError {
  const code = err.code ?? '';
  if (TLS_CODES.test(code)) {
    return new ProvisioningError(`The TLS certificate of WHM on ${opts.label} is not trusted (${err.message}): set its CA or SHA-256 fingerprint on the server, or mark it insecure`, 'UNREACHABLE', { retryable: false });
  }
  if (code === 'ETIMEDOUT_WHM' || err.name === 'AbortError') {
    const ambiguous = opts.mutating && (err.sent ?? true);
    return new ProvisioningError(`WHM on ${opts.label} did not answer ${fn} in time${ambiguous ? ': it may have applied it, the account is observed before any retry' : ''}`, 'TIMEOUT', { ambiguous });
  }
  // Refused or unresolvable: nothing reached WHM. A connection cut after sending may hide a change.
  const ambiguous = opts.mutating && !!err.sent && !['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code);
  return new ProvisioningError(`WHM on ${opts.label} cannot be reached (${code || err.message})`, 'UNREACHABLE', { ambiguous });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isEnvelope(v: unknown): v is WhmEnvelope {
  const m = (v as WhmEnvelope | null)?.metadata;
  return typeof m === 'object' && m !== null && (m.result === 0 || m.result === 1);
}
