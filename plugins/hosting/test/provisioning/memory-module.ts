import {
  ProvisioningError,
  type DesiredResource,
  type ObservedAccount,
  type ObservedResource,
  type ProvisioningCall,
  type ProvisioningErrorCode,
  type ProvisioningModule,
  type ServerCall,
} from '@mpanel/sdk';

/**
 * An in-memory hosting server and the ProvisioningModule that drives it, with fault injection:
 * the platform's engine and the SDK contract suite are tested against it without a real backend.
 * Faults are queued per action and say whether the server applied the change before failing (the
 * ambiguous timeout that billing systems mistake for a failure).
 */

export interface MemoryAccount { username: string; serviceId: string; status: 'active' | 'suspended'; packageName?: string; plan?: unknown }

export interface Fault {
  action: string;
  code: ProvisioningErrorCode;
  /** The server applies the change, then the answer is lost. */
  afterApply?: boolean;
  retryable?: boolean;
  ambiguous?: boolean;
  retryAfterMs?: number;
  message?: string;
  /** The server applies the change and the call never answers (its worker died mid-call). */
  hang?: boolean;
  /** How many calls fail this way (default 1). */
  times?: number;
}

export class MemoryServer {
  readonly accounts = new Map<string, MemoryAccount>();
  readonly resources = new Map<string, DesiredResource & { username: string }>();
  readonly packages = new Set<string>(['basic', 'gold']);
  /** The API token the server accepts; null: it asks for none (servers stored without credentials). */
  token: string | null = 'right-token';
  requests = 0;
  /** Every call the module made, in order: `<action>:<username>`. */
  readonly calls: string[] = [];
  private faults: Fault[] = [];

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Counts the request and returns the fault this call meets, if any. */
  take(action: string): Fault | undefined {
    this.requests++;
    const i = this.faults.findIndex((f) => f.action === action);
    if (i === -1) return undefined;
    const fault = this.faults[i]!;
    if (--fault.times! <= 0) this.faults.splice(i, 1);
    return fault;
  }

  byService(serviceId: string): MemoryAccount[] {
    return [...this.accounts.values()].filter((a) => a.serviceId === serviceId);
  }
}

/** The servers by id; a server id nobody set up gets a fresh server. */
export class MemoryLab {
  private readonly servers = new Map<string, MemoryServer>();
  server(id: string): MemoryServer {
    let s = this.servers.get(id);
    if (!s) this.servers.set(id, (s = new MemoryServer()));
    return s;
  }
  reset(): void {
    this.servers.clear();
  }
}

export const usernameOf = (call: ProvisioningCall): string => call.account.username ?? `u${call.account.serviceId.replace(/-/g, '').slice(0, 10)}`;

function packageOf(call: ProvisioningCall): string | undefined {
  const p = call.plan?.remotePackage ?? call.account.packageConfig.package;
  return typeof p === 'string' ? p : undefined;
}

export function memoryModule(lab: MemoryLab): ProvisioningModule {
  /** One request to the server: credentials, then the injected fault, then the change. */
  const request = async <T>(ctx: ServerCall, action: string, apply: (server: MemoryServer) => T, call?: ProvisioningCall): Promise<T> => {
    const server = lab.server(ctx.server.id);
    const started = Date.now();
    const fault = server.take(action);
    server.calls.push(`${action}:${call ? usernameOf(call) : '-'}`);
    if (server.token !== null && ctx.server.credentials.token !== server.token) {
      call?.operation.step(action, { ok: false, request: { token: ctx.server.credentials.token }, response: { error: 'login refused' } }, ['token']);
      throw new ProvisioningError(`The server ${ctx.server.hostname} refused the API token: put the server's current token in its credentials`, 'AUTH');
    }
    let result: T | undefined;
    if (!fault || fault.afterApply || fault.hang) result = apply(server);
    if (fault?.hang) await new Promise<never>(() => undefined);
    if (fault) {
      call?.operation.step(action, { ok: false, response: { fault: fault.code }, ms: Date.now() - started });
      throw new ProvisioningError(fault.message ?? `${action} on ${ctx.server.hostname} failed: ${fault.code}`, fault.code, {
        ambiguous: fault.ambiguous ?? fault.afterApply ?? fault.code === 'TIMEOUT',
        ...(fault.retryable !== undefined ? { retryable: fault.retryable } : {}),
        ...(fault.retryAfterMs !== undefined ? { retryAfterMs: fault.retryAfterMs } : {}),
        clientMessage: 'We are finishing the setup of your hosting.',
      });
    }
    call?.operation.step(action, { ok: true, request: { username: call ? usernameOf(call) : undefined, token: ctx.server.credentials.token }, ms: Date.now() - started }, ['token']);
    return result as T;
  };

  const setStatus = (status: 'active' | 'suspended') => (call: ProvisioningCall) =>
    request(call, status === 'active' ? 'unsuspend' : 'suspend', (s) => {
      const acct = s.accounts.get(usernameOf(call));
      if (!acct) throw new ProvisioningError(`Account ${usernameOf(call)} does not exist on ${call.server.hostname}`, 'NOT_FOUND');
      acct.status = status;
      return { ok: true as const };
    }, call);

  return {
    displayName: 'In-memory test server',
    capabilities: { changePassword: false, sso: false, listAccounts: true, usage: false, resources: ['site', 'database', 'sftpUser', 'cron'] },
    async testConnection(ctx) {
      await request(ctx, 'testConnection', () => undefined);
      return { ok: true, message: 'reachable' };
    },
    async observe(call): Promise<ObservedAccount> {
      return request(call, 'observe', (s) => {
        const acct = s.accounts.get(usernameOf(call));
        return acct ? { exists: true, status: acct.status, username: acct.username, ...(acct.packageName ? { packageName: acct.packageName } : {}) } : { exists: false };
      }, call);
    },
    async create(call) {
      const pkg = packageOf(call);
      const server = lab.server(call.server.id);
      if (pkg && !server.packages.has(pkg) && (server.token === null || call.server.credentials.token === server.token)) {
        server.requests++;
        throw new ProvisioningError(`Package '${pkg}' does not exist on ${call.server.hostname}: create it there or pick another package in the plan`, 'INVALID_PACKAGE', { clientMessage: 'Your hosting is being set up by our staff.' });
      }
      return request(call, 'create', (s) => {
        const username = usernameOf(call);
        const existing = s.accounts.get(username);
        if (existing && existing.serviceId !== call.account.serviceId) throw new ProvisioningError(`Username ${username} belongs to another account on ${call.server.hostname}`, 'CONFLICT');
        if (!existing) s.accounts.set(username, { username, serviceId: call.account.serviceId, status: 'active', ...(pkg ? { packageName: pkg } : {}), plan: call.plan });
        return { ok: true as const, username, remote: { username } };
      }, call);
    },
    suspend: setStatus('suspended'),
    unsuspend: setStatus('active'),
    async terminate(call) {
      return request(call, 'terminate', (s) => {
        s.accounts.delete(usernameOf(call));
        for (const [id, r] of s.resources) if (r.username === usernameOf(call)) s.resources.delete(id);
        return { ok: true as const };
      }, call);
    },
    async changePackage(call) {
      return request(call, 'changePackage', (s) => {
        const acct = s.accounts.get(usernameOf(call));
        if (!acct) throw new ProvisioningError(`Account ${usernameOf(call)} does not exist on ${call.server.hostname}`, 'NOT_FOUND');
        acct.plan = call.plan;
        const pkg = packageOf(call);
        if (pkg) acct.packageName = pkg;
        return { ok: true as const };
      }, call);
    },
    async listAccounts(ctx) {
      return request(ctx, 'listAccounts', (s) => [...s.accounts.values()].map((a) => ({ username: a.username, status: a.status, ...(a.packageName ? { packageName: a.packageName } : {}) })));
    },
    resources: {
      async ensure(call, desired): Promise<ObservedResource> {
        return request(call, 'resource.ensure', (s) => {
          s.resources.set(desired.id, { ...desired, username: usernameOf(call) });
          return { kind: desired.kind, id: desired.id, exists: true, state: desired.state };
        }, call);
      },
      async remove(call, ref) {
        await request(call, 'resource.remove', (s) => void s.resources.delete(ref.id), call);
      },
      async observe(call, refs) {
        return request(call, 'resource.observe', (s) => {
          const mine = [...s.resources.values()].filter((r) => r.username === usernameOf(call));
          const wanted = refs ? refs.map((ref) => mine.find((r) => r.id === ref.id) ?? { kind: ref.kind, id: ref.id, missing: true }) : mine;
          // `detail`: what a test put on the stored resource (a mailbox's sending counters).
          return wanted.map((r) => ('missing' in r ? { kind: r.kind, id: r.id, exists: false } : { kind: r.kind, id: r.id, exists: true, state: r.state, ...('detail' in r && r.detail ? { detail: r.detail as Record<string, unknown> } : {}) }));
        }, call);
      },
    },
  };
}
