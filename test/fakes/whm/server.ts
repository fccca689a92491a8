import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handlers, type WhmAnswer } from './functions.ts';
import { WhmState } from './state.ts';

export { WhmState, type WhmAccount, type WhmPackage, type WhmSession } from './state.ts';

/**
 * A local stand-in for cPanel & WHM's WHM API 1 (`/json-api/<function>?api.version=1`), for tests:
 * API-token auth (`Authorization: whm <user>:<token>`), the functions mPanel's cPanel module calls
 * with WHM's documented answers (`metadata.result` 1/0 with `metadata.reason`), state kept between
 * calls, the one-time session landing page create_user_session's URL points to, and faults to
 * inject: a call applied and then never answered, a 500 after applying, slow answers, HTTP 429.
 */
export type WhmFault =
  /** Applies the call, then holds the connection without answering (the client's timeout fires). */
  | { kind: 'timeoutAfterApply' }
  /** Applies the call, then answers 500 (cpsrvd died mid-answer). */
  | { kind: 'errorAfterApply' }
  /** Answers after `ms` (applied when answered). */
  | { kind: 'slow'; ms: number }
  /** HTTP 429 with Retry-After, nothing applied. */
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  /** HTTP 200 with `metadata.result: 0` and a rate-limit reason, nothing applied (a limit WHM or a proxy reports in the envelope). */
  | { kind: 'whmRateLimit' }
  /** HTTP 503 before applying (cpsrvd restarting). */
  | { kind: 'unavailable' };

export interface RecordedWhmRequest {
  function: string;
  params: Record<string, string>;
  status: number;
  fault?: WhmFault['kind'];
}

export class FakeWhmServer {
  readonly state = new WhmState();
  readonly requests: RecordedWhmRequest[] = [];
  /** The API tokens WHM accepts, by user (`root` by default). */
  readonly tokens = new Map<string, string>([['root', 'FAKEWHMTOKEN0123456789ABCDEFGHIJ']]);
  version = '11.118.0.15';
  port = 0;
  private server: Server | undefined;
  private readonly faults: Array<{ fn: string | undefined; fault: WhmFault }> = [];
  private readonly held = new Set<ServerResponse>();

  private tls = false;

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get token(): string {
    return this.tokens.get('root')!;
  }

  /** The next call (of `fn`, or any) meets `fault`; faults queue up in order. */
  inject(fault: WhmFault, fn?: string): void {
    this.faults.push({ fn, fault });
  }

  /** API calls so far (of `fn`, or all). */
  count(fn?: string): number {
    return fn ? this.requests.filter((r) => r.function === fn).length : this.requests.length;
  }

  /** Listens on `port` (0: any); with `tls` over HTTPS with that key and (self-signed) certificate, as WHM on 2087. */
  async start(port = 0, tls?: { key: string; cert: string }): Promise<this> {
    const listener = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) this.send(res, 500, { error: String(err) });
    });
    this.tls = !!tls;
    this.server = tls ? createTlsServer(tls, listener) : createServer(listener);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    // The browser a session URL is opened in asks for an icon: none, and no error either.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const login = /^\/(cpsess\d{10})\/login\/?$/.exec(url.pathname);
    if (login && req.method === 'GET') return this.landing(res, login[1]!, url.searchParams.get('session') ?? '');
    const api = /^\/json-api\/([a-z_]+)$/.exec(url.pathname);
    if (!api) return this.send(res, 404, { error: 'Not found' });
    const fn = api[1]!;
    const params = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(await body(req))));
    const record: RecordedWhmRequest = { function: fn, params: redact(params), status: 0 };
    this.requests.push(record);

    if (!this.authorized(req.headers.authorization)) {
      // WHM's answer to a missing or revoked API token: 403 and the cpanelresult envelope, not WHM API 1's.
      record.status = 403;
      return this.send(res, 403, { cpanelresult: { apiversion: '2', error: 'Access denied', data: { reason: 'Access denied', result: '0' }, type: 'text' } });
    }
    const at = this.faults.findIndex((f) => f.fn === undefined || f.fn === fn);
    const fault = at >= 0 ? this.faults.splice(at, 1)[0]!.fault : undefined;
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'rateLimit') {
      record.status = 429;
      res.setHeader('retry-after', String(fault.retryAfterSeconds ?? 1));
      return this.send(res, 429, { metadata: { version: 1, command: fn, result: 0, reason: 'Too many requests' } });
    }
    if (fault?.kind === 'whmRateLimit') {
      record.status = 200;
      return this.send(res, 200, { metadata: { version: 1, command: fn, result: 0, reason: 'Too many requests: try again later.' } });
    }
    if (fault?.kind === 'unavailable') {
      record.status = 503;
      return this.send(res, 503, '<html><body>503 Service Unavailable</body></html>', 'text/html');
    }
    if (params['api.version'] !== '1') {
      record.status = 200;
      return this.send(res, 200, { metadata: { version: 1, command: fn, result: 0, reason: 'This fake speaks WHM API 1 only: add api.version=1' } });
    }
    const handler = handlers[fn];
    const answer: WhmAnswer = handler ? handler(this.state, params, { baseUrl: this.url, version: this.version }) : { result: 0, reason: `Unknown app (“${fn}”) requested for this version (1) of the API.` };
    const envelope = { metadata: { version: 1, command: fn, result: answer.result, reason: answer.reason, ...(answer.output ? { output: { raw: answer.output } } : {}) }, ...(answer.data !== undefined ? { data: answer.data } : {}) };
    if (fault?.kind === 'timeoutAfterApply') {
      // Applied above; the answer never comes. The socket stays open until the client gives up or the fake stops.
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (fault?.kind === 'errorAfterApply') {
      record.status = 500;
      return this.send(res, 500, '<html><body>Internal Server Error</body></html>', 'text/html');
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    record.status = 200;
    this.send(res, 200, envelope);
  }

  private authorized(header: string | undefined): boolean {
    const m = /^whm ([^:\s]+):(\S+)$/.exec(header ?? '');
    return !!m && this.tokens.get(m[1]!) === m[2];
  }

  /** The page a one-time session URL lands on: valid once, before it expires, for its own cpsess token. */
  private landing(res: ServerResponse, token: string, sessionId: string): void {
    const s = this.state.sessions.get(sessionId);
    if (!s || s.token !== token || s.used || s.expires < Date.now() / 1000) {
      return this.send(res, 401, '<!doctype html><title>Login</title><h1 data-testid="whm-login-failed">The session has expired or is invalid.</h1>', 'text/html');
    }
    s.used = true;
    const panel = s.service === 'whostmgrd' ? 'WHM' : 'cPanel';
    this.send(res, 200, `<!doctype html><title>${panel} - ${escape(s.user)}</title><h1 data-testid="whm-logged-in">${panel}: logged in as ${escape(s.user)}</h1>`, 'text/html');
  }

  private send(res: ServerResponse, status: number, payload: unknown, type = 'application/json'): void {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function redact(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, /pass/i.test(k) ? '***' : v]));
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
