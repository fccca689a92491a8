import { ProvisioningError, type OperationContext, type ProvisioningServer } from '@mpanel/sdk';

/**
 * One HestiaCP API endpoint (`POST https://host:8083/api/`). Every call is one request: the module
 * never retries inside (the platform's operations retry, after observing when a mutation's outcome
 * is unknown). Credentials: `accessKey` + `secretKey` (sent as `hash=ACCESS:SECRET`, Hestia ≥ 1.6)
 * or `username` + `password` (the legacy login).
 */
export interface HestiaCallOptions {
  /** A mutation: a timeout or a 5xx after sending may have applied it (ambiguous). */
  mutates: boolean;
  timeoutMs: number;
  operation?: Pick<OperationContext, 'step' | 'signal' | 'deadline'>;
  /** Argument positions (0-based) holding secrets, masked in the operation's steps. */
  secretArgs?: number[];
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PORT = 8083;

/** Refuses hosts on the internal network (`ctx.net.resolvePublic`): a tenant must not aim the panel's requests there. */
export type HostGuard = (host: string) => Promise<unknown>;

export class HestiaApi {
  constructor(private readonly server: ProvisioningServer, private readonly guard?: HostGuard) {}

  private get host(): string {
    return this.server.ipAddress ?? this.server.hostname;
  }

  get endpoint(): string {
    const scheme = this.server.credentials.scheme === 'http' ? 'http' : 'https';
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${scheme}://${host}:${this.server.port ?? DEFAULT_PORT}/api/`;
  }

  private auth(): Record<string, string> {
    const c = this.server.credentials;
    if (c.accessKey && c.secretKey) return { hash: `${c.accessKey}:${c.secretKey}` };
    if (c.username && c.password) return { user: c.username, password: c.password };
    throw new ProvisioningError(`Server ${this.server.hostname} has no Hestia API credentials: set an access key and secret key (Hestia: User → Access keys)`, 'AUTH');
  }

  /** Runs a command with `returncode=yes`: the answer is its exit code. */
  async code(cmd: string, args: string[], opts: HestiaCallOptions): Promise<number> {
    const text = (await this.send(cmd, args, true, opts)).trim();
    if (!/^\d+$/.test(text)) throw new ProvisioningError(`${cmd} on ${this.server.hostname}: expected an exit code, got "${text.slice(0, 120)}" (is this a HestiaCP API?)`, 'REMOTE_ERROR', { detail: text.slice(0, 500), ambiguous: opts.mutates });
    return Number(text);
  }

  /** Runs a `... json` listing: the parsed object, or `notFound` when Hestia said the object does not exist. */
  async json<T>(cmd: string, args: string[], opts: Omit<HestiaCallOptions, 'mutates'>): Promise<T | 'notFound'> {
    const text = (await this.send(cmd, [...args, 'json'], false, { ...opts, mutates: false })).trim();
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ProvisioningError(`${cmd} on ${this.server.hostname} answered broken JSON`, 'REMOTE_ERROR', { detail: text.slice(0, 500) });
      }
    }
    // Hestia prints nothing for an empty listing, and "Error: ... doesn't exist" for a missing object (E_NOTEXIST).
    if (text === '') return {} as T;
    if (/doesn'?t exist|does not exist/i.test(text)) return 'notFound';
    throw new ProvisioningError(`${cmd} on ${this.server.hostname}: ${text.slice(0, 200)}`, 'REMOTE_ERROR', { detail: text.slice(0, 500) });
  }

  private async send(cmd: string, args: string[], returncode: boolean, opts: HestiaCallOptions): Promise<string> {
    if (this.guard) {
      try {
        await this.guard(this.host);
      } catch (err) {
        throw new ProvisioningError(`Server ${this.server.hostname} points at ${this.host}, which this platform may not connect to (${(err as Error).message}): use the server's public address`, 'INVALID_INPUT');
      }
    }
    const form = new URLSearchParams({ ...this.auth(), cmd, ...(returncode ? { returncode: 'yes' } : {}) });
    args.forEach((a, i) => form.set(`arg${i + 1}`, a));
    const shown = args.map((a, i) => (opts.secretArgs?.includes(i) ? '***' : a));
    const left = opts.operation?.deadline ? opts.operation.deadline.getTime() - Date.now() : opts.timeoutMs;
    const timeoutMs = Math.max(1, Math.min(opts.timeoutMs, left));
    const signals = [AbortSignal.timeout(timeoutMs), ...(opts.operation?.signal ? [opts.operation.signal] : [])];
    const started = Date.now();
    const step = (ok: boolean, response: unknown, detail?: string) =>
      opts.operation?.step(`hestia ${cmd}`, { request: { cmd, args: shown }, response, ok, ms: Date.now() - started, ...(detail ? { detail } : {}) }, ['password', 'hash', 'secretKey']);
    let res: Response;
    try {
      res = await fetch(this.endpoint, { method: 'POST', body: form, signal: AbortSignal.any(signals), headers: { accept: 'application/json, text/plain' } });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        step(false, undefined, `no answer within ${timeoutMs} ms`);
        return this.fail(new ProvisioningError(
          `${cmd} on ${this.server.hostname} got no answer within ${Math.round(timeoutMs / 1000)} s${opts.mutates ? ': it may have been applied, the server is checked before any retry' : ''}`,
          'TIMEOUT', { ambiguous: opts.mutates }));
      }
      step(false, undefined, e.cause?.code ?? e.message);
      // Refused or unresolvable before anything was sent: nothing can have been applied.
      return this.fail(new ProvisioningError(`Cannot reach the Hestia API at ${this.endpoint} (${e.cause?.code ?? e.message}): check the hostname, port 8083 and the firewall`, 'UNREACHABLE'));
    }
    const text = await res.text();
    step(res.ok, { status: res.status, body: text.length > 2000 ? `${text.slice(0, 2000)}…` : text });
    if (res.ok) return text;
    if (res.status === 401 || res.status === 403) {
      return this.fail(new ProvisioningError(`The Hestia API on ${this.server.hostname} refused the credentials (HTTP ${res.status}): check the access key and secret key, and that this panel's IP is in the API's allowed IPs`, 'AUTH'));
    }
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get('retry-after'));
      return this.fail(new ProvisioningError(`The Hestia API on ${this.server.hostname} is rate limiting this panel`, 'RATE_LIMITED', Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}));
    }
    // A 5xx may come after the command ran (Hestia restarting PHP under the request: FOSSBilling#415).
    return this.fail(new ProvisioningError(`The Hestia API on ${this.server.hostname} answered HTTP ${res.status}${opts.mutates ? ': the change may have been applied, the server is checked before any retry' : ''}`,
      res.status >= 500 ? 'REMOTE_UNAVAILABLE' : 'REMOTE_ERROR', { ambiguous: opts.mutates && res.status >= 500, detail: text.slice(0, 500) }));
  }

  private fail(err: ProvisioningError): never {
    throw err;
  }
}
