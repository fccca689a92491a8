import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { E, HestiaState } from './state.ts';

export { E, HestiaState, type HestiaUser, type HestiaPackage, type CommandResult } from './state.ts';

/**
 * A local stand-in for HestiaCP's API (`POST /api/`, form fields `hash=ACCESS:SECRET` or
 * `user`/`password`, `cmd`, `arg1..argN`, `returncode=yes`): with `returncode=yes` the body is the
 * command's exit code as text, without it the command's output (JSON for `... json` listings, the
 * `Error: ...` line when the command failed). Faults reproduce what billing systems met on real
 * Hestia servers: the change applied but the answer lost (FOSSBilling#1086), a 500/504 after
 * applying (Hestia restarting PHP, FOSSBilling#415), slow answers (FOSSBilling PR #1023), rate limits.
 */
export type HestiaFault =
  /** Applies the command, then answers only after `ms` (past the client's timeout). */
  | { kind: 'applyThenHang'; ms: number; cmd?: string }
  /** Applies the command, then answers 500 (PHP restarted under the request). */
  | { kind: 'applyThen500'; cmd?: string }
  /** Waits `ms`, then applies and answers normally. */
  | { kind: 'slow'; ms: number; cmd?: string }
  /** Answers 429 without applying (a proxy's or fail2ban's rate limit in front of the API). */
  | { kind: 'rateLimit'; retryAfterSeconds?: number; cmd?: string };

export interface HestiaRequest {
  cmd: string;
  args: string[];
  returncode: boolean;
  authenticated: boolean;
  status: number;
  exitCode?: number;
}

export class FakeHestiaServer {
  readonly state = new HestiaState();
  /** Every API call in order (tests count them: "the module did not retry a refused login"). */
  readonly requests: HestiaRequest[] = [];
  private readonly faults: HestiaFault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  port = 0;

  constructor(readonly keys: { accessKey: string; secretKey: string } = { accessKey: 'AK_FAKE_ADMIN', secretKey: 'sk-fake-hestia-secret' }, readonly admin = { user: 'admin', password: 'admin-pass' }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next request (for `cmd`, when given) meets this fault; faults queue in order. */
  inject(fault: HestiaFault): void {
    this.faults.push(fault);
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private takeFault(cmd: string): HestiaFault | undefined {
    const i = this.faults.findIndex((f) => !f.cmd || f.cmd === cmd);
    return i < 0 ? undefined : this.faults.splice(i, 1)[0];
  }

  private authenticated(form: URLSearchParams): boolean {
    const hash = form.get('hash');
    if (hash) return hash === `${this.keys.accessKey}:${this.keys.secretKey}`;
    return form.get('user') === this.admin.user && form.get('password') === this.admin.password;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    };
    if (url.pathname !== '/api/' && url.pathname !== '/api/index.php') return send(404, 'Not Found');
    if (req.method !== 'POST') return send(405, 'Error: only POST is accepted');
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const cmd = form.get('cmd') ?? '';
    const args: string[] = [];
    for (let i = 1; form.has(`arg${i}`); i++) args.push(form.get(`arg${i}`) ?? '');
    const returncode = form.get('returncode') === 'yes';
    const record: HestiaRequest = { cmd, args, returncode, authenticated: this.authenticated(form), status: 0 };
    this.requests.push(record);
    if (!record.authenticated) {
      // Hestia's API refuses a wrong key pair or password with E_PASSWORD / "authentication failed".
      record.status = 401;
      record.exitCode = E.PASSWORD;
      return send(401, returncode ? String(E.PASSWORD) : 'Error: authentication failed');
    }
    const fault = this.takeFault(cmd);
    if (fault?.kind === 'rateLimit') {
      record.status = 429;
      return send(429, 'Too Many Requests', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
    }
    if (fault?.kind === 'slow') await this.sleep(fault.ms);
    const result = this.state.run(cmd, args);
    record.exitCode = result.code;
    if (fault?.kind === 'applyThen500') {
      record.status = 500;
      return send(500, '<html><body><h1>500 Internal Server Error</h1></body></html>', { 'content-type': 'text/html' });
    }
    if (fault?.kind === 'applyThenHang') await this.sleep(fault.ms);
    record.status = 200;
    if (!res.writable || res.destroyed) return;
    const isJson = !returncode && result.code === E.OK && result.output.startsWith('{');
    send(200, returncode ? String(result.code) : result.output, isJson ? { 'content-type': 'application/json' } : {});
  }
}
