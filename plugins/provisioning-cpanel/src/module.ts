import { randomBytes } from 'node:crypto';
import {
  ProvisioningError, type AccountUsage, type ObservedAccount, type ProvisioningCall, type ProvisioningModule, type ProvisioningResult,
  type RemoteAccount, type ServerCall,
} from '@mpanel/sdk';
import { connectionOf } from './connection.ts';
import { callWhm, type WhmEnvelope } from './whm-client.ts';

export interface CpanelSettings {
  /** Seconds one WHM call may take (createacct can take tens of seconds on a busy server). */
  requestTimeoutSeconds?: number;
}

/** A listaccts / accountsummary row (the fields the module reads). */
interface WhmAccountRow {
  user: string; domain: string; plan: string; email?: string; owner?: string; suspended: number | string;
  diskused?: string; disklimit?: string; unix_startdate?: number; ip?: string; suspendreason?: string;
}

const DEFAULT_TIMEOUT_S = 60;

/** "20M", "1.5G", "unlimited", "none" → MB (null: unlimited). */
export function toMb(v: string | number | undefined): number | null | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  if (/^(unlimited|none)$/i.test(v)) return null;
  const m = /^([\d.]+)\s*([KMGT]?)/i.exec(v);
  if (!m) return undefined;
  const factor = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[m[2]!.toUpperCase() as ''] ?? 1;
  return Math.round(Number(m[1]) * factor);
}

const suspended = (row: WhmAccountRow) => String(row.suspended) === '1';

function observedOf(row: WhmAccountRow): ObservedAccount {
  const diskUsedMb = toMb(row.diskused);
  const diskLimitMb = toMb(row.disklimit);
  return {
    exists: true, status: suspended(row) ? 'suspended' : 'active', username: row.user, domain: row.domain, packageName: row.plan,
    usage: { ...(typeof diskUsedMb === 'number' ? { diskUsedMb } : {}), ...(diskLimitMb !== undefined ? { diskLimitMb } : {}) },
    remote: { owner: row.owner, email: row.email, ip: row.ip },
  };
}

/**
 * The cPanel/WHM ProvisioningModule (issue 19): WHM API 1 over an API token. Every lifecycle call
 * converges: when WHM refuses it (suspend of a suspended account, remove of a removed one, create
 * of an account that is already there with the same domain), the module observes the account and
 * succeeds when the server already is as asked. Timeouts and 5xx after sending are ambiguous, so
 * the platform observes before retrying; a refused token is AUTH and never retried.
 */
export interface CpanelModuleOptions {
  /** This plugin's settings for a tenant (the hosting plugin passes its own settings on each call). */
  settingsOf?(tenantId: string): Promise<CpanelSettings>;
  /**
   * Refuses addresses this platform may not connect to (ctx.net.resolvePublic): a tenant's staff
   * enter the server's address, and must not reach the internal network through it.
   */
  guard?(host: string): Promise<unknown>;
}

export function createCpanelModule(options: CpanelModuleOptions = {}): ProvisioningModule<CpanelSettings> {
  const label = (call: ServerCall<CpanelSettings>) => call.server.name ?? call.server.hostname;
  const timeoutOf = async (call: ServerCall<CpanelSettings>) => {
    const own = await options.settingsOf?.(call.tenantId).catch(() => undefined);
    const seconds = own?.requestTimeoutSeconds ?? call.settings.requestTimeoutSeconds ?? DEFAULT_TIMEOUT_S;
    const ms = seconds * 1000;
    const deadline = (call as Partial<ProvisioningCall>).operation?.deadline;
    // Never past the operation's deadline (at least a second, so a late call still gets its answer).
    return deadline ? Math.max(1000, Math.min(ms, deadline.getTime() - Date.now())) : ms;
  };
  const whm = async <T = Record<string, unknown>>(call: ServerCall<CpanelSettings>, fn: string, params: Record<string, string>, mutating: boolean): Promise<WhmEnvelope<T>> => {
    const operation = (call as Partial<ProvisioningCall>).operation;
    const connection = connectionOf(call.server);
    if (options.guard) {
      await options.guard(connection.host).catch((err: Error) => {
        throw new ProvisioningError(`Server ${label(call)} points at ${connection.host}, which this platform may not connect to (${err.message}): use the server's public address`, 'INVALID_INPUT');
      });
    }
    return callWhm<T>(connection, fn, params, {
      timeoutMs: await timeoutOf(call), mutating, label: label(call), ...(operation ? { operation } : {}), ...(operation?.signal ? { signal: operation.signal } : {}),
    });
  };
  const username = (call: ProvisioningCall): string => {
    const name = call.account.username;
    if (!name) throw new ProvisioningError('The hosting account has no username yet: the hosting plugin generates one before provisioning', 'INVALID_INPUT');
    return name;
  };
  const packageOf = (call: ProvisioningCall): string => {
    const configured = call.plan?.remotePackage ?? call.account.packageConfig.package;
    return typeof configured === 'string' && configured ? configured : 'default';
  };
  const missingPackage = (call: ProvisioningCall, pkg: string, err: ProvisioningError) =>
    new ProvisioningError(`Package '${pkg}' does not exist on ${label(call)}: create it in WHM (Packages › Add a Package) or pick another remote package in the hosting plan`,
      'INVALID_PACKAGE', { retryable: false, detail: err.opts.detail });

  /** A one-time login URL (create_user_session): cPanel as an account, or WHM as the token's user. */
  const session = async (call: ServerCall<CpanelSettings>, params: { user: string; service: 'cpaneld' | 'whostmgrd' }) => {
    const data = (await whm<{ url: string; expires?: number }>(call, 'create_user_session', params, false)).data;
    if (!data?.url) throw new ProvisioningError(`WHM on ${label(call)} created no session URL`, 'REMOTE_ERROR', { retryable: false });
    return { url: data.url, ...(data.expires ? { expiresAt: new Date(data.expires * 1000).toISOString() } : {}) };
  };

  const observe = async (call: ProvisioningCall<CpanelSettings>): Promise<ObservedAccount> => {
    try {
      const answer = await whm<{ acct: WhmAccountRow[] }>(call, 'accountsummary', { user: username(call) }, false);
      const row = answer.data?.acct?.[0];
      return row ? observedOf(row) : { exists: false };
    } catch (err) {
      if (err instanceof ProvisioningError && err.code === 'NOT_FOUND') return { exists: false };
      throw err;
    }
  };

  /**
   * Runs a change; when WHM refuses it with a definite answer (not a timeout, not a refused token),
   * looks at the account and succeeds if it already is as asked: the same call twice converges.
   */
  const converge = async (call: ProvisioningCall<CpanelSettings>, fn: string, params: Record<string, string>, isDone: (seen: ObservedAccount) => boolean): Promise<ProvisioningResult> => {
    try {
      await whm(call, fn, params, true);
    } catch (err) {
      if (!(err instanceof ProvisioningError) || err.ambiguous || err.retryable || err.code === 'AUTH') throw err;
      if (!isDone(await observe(call))) throw err;
    }
    return { ok: true, username: username(call) };
  };

  return {
    displayName: 'cPanel & WHM',
    capabilities: { changePassword: true, sso: true, listAccounts: true, usage: true, resources: [] },
    packageConfigSchema: {
      type: 'object', additionalProperties: false,
      properties: { package: { type: 'string', maxLength: 100, description: 'WHM package name (the hosting plan\'s remote package wins when set)' } },
    },

    async testConnection(call) {
      try {
        const version = (await whm<{ version: string }>(call, 'version', {}, false)).data?.version;
        const packages = (await whm<{ pkg: unknown[] }>(call, 'listpkgs', {}, false)).data?.pkg?.length ?? 0;
        return { ok: true, message: `WHM ${version ?? ''} answered; ${packages} package(s)`.replace('  ', ' '), ...(version ? { version, facts: { whmVersion: version, packages } } : {}) };
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      }
    },

    async listPackages(call) {
      const pkgs = (await whm<{ pkg: Array<{ name: string; QUOTA?: string | number }> }>(call, 'listpkgs', {}, false)).data?.pkg ?? [];
      return pkgs.map((p) => ({ id: p.name, label: p.QUOTA === undefined || p.QUOTA === 'unlimited' ? p.name : `${p.name} (${p.QUOTA} MB)` }));
    },

    observe,

    async create(call) {
      const user = username(call);
      const domain = call.account.domain;
      if (!domain) throw new ProvisioningError(`cPanel needs a domain to create account ${user}: set the hosting account's domain`, 'INVALID_INPUT');
      const pkg = packageOf(call);
      const password = call.account.password ?? randomBytes(18).toString('base64url');
      try {
        const answer = await whm<{ ip?: string; package?: string }>(call, 'createacct', {
          username: user, domain, plan: pkg, password, ...(call.account.remote?.contactEmail ? { contactemail: String(call.account.remote.contactEmail) } : {}),
        }, true);
        return { ok: true, username: user, ...(call.account.password ? {} : { password }), remote: { package: answer.data?.package ?? pkg, ...(answer.data?.ip ? { ip: answer.data.ip } : {}) } };
      } catch (err) {
        if (!(err instanceof ProvisioningError)) throw err;
        if (err.code === 'INVALID_PACKAGE') throw missingPackage(call, pkg, err);
        if (err.code !== 'ALREADY_EXISTS' && err.code !== 'CONFLICT') throw err;
        // Already there: ours (same user and domain, e.g. a retry after an answer was lost) converges; someone else's is a conflict.
        const seen = await observe(call);
        if (seen.exists && seen.domain?.toLowerCase() === domain.toLowerCase()) return { ok: true, username: user, message: 'The account already existed with this domain', remote: { package: seen.packageName } };
        throw new ProvisioningError(seen.exists
          ? `Username ${user} is taken on ${label(call)} by an account for ${seen.domain ?? 'another domain'}: pick another username`
          : `Domain ${domain} already belongs to another account on ${label(call)}: remove it there or use another domain`, 'CONFLICT', { retryable: false, detail: err.opts.detail });
      }
    },

    suspend: (call, reason) => converge(call, 'suspendacct', { user: username(call), ...(reason ? { reason } : {}) }, (s) => s.exists && s.status === 'suspended'),
    unsuspend: (call) => converge(call, 'unsuspendacct', { user: username(call) }, (s) => s.exists && s.status === 'active'),
    terminate: (call) => converge(call, 'removeacct', { username: username(call) }, (s) => !s.exists),

    async changePackage(call) {
      const pkg = packageOf(call);
      try {
        return await converge(call, 'changepackage', { user: username(call), pkg }, (s) => s.exists && s.packageName === pkg);
      } catch (err) {
        if (err instanceof ProvisioningError && err.code === 'INVALID_PACKAGE') throw missingPackage(call, pkg, err);
        throw err;
      }
    },

    async changePassword(call, newPassword) {
      await whm(call, 'passwd', { user: username(call), password: newPassword }, true);
      return { ok: true };
    },

    async listAccounts(call): Promise<RemoteAccount[]> {
      const rows = (await whm<{ acct: WhmAccountRow[] }>(call, 'listaccts', {}, false)).data?.acct ?? [];
      return rows.map((r) => {
        const diskUsedMb = toMb(r.diskused);
        return {
          username: r.user, domain: r.domain, status: suspended(r) ? 'suspended' : 'active', packageName: r.plan,
          ...(r.email ? { email: r.email } : {}), ...(r.unix_startdate ? { createdAt: new Date(r.unix_startdate * 1000).toISOString() } : {}),
          ...(typeof diskUsedMb === 'number' ? { diskUsedMb } : {}),
        };
      });
    },

    async usage(call) {
      const rows = (await whm<{ acct: WhmAccountRow[] }>(call, 'listaccts', {}, false)).data?.acct ?? [];
      const bw = (await whm<{ acct: Array<{ user: string; totalbytes: number; limit: number | string }> }>(call, 'showbw', {}, false)).data?.acct ?? [];
      const bwOf = new Map(bw.map((b) => [b.user, b]));
      return rows.map((r) => {
        const b = bwOf.get(r.user);
        const usage: AccountUsage = { ...observedOf(r).usage };
        if (b) {
          usage.bandwidthUsedMb = Math.round(Number(b.totalbytes) / 1024 / 1024);
          usage.bandwidthLimitMb = Number(b.limit) > 0 ? Math.round(Number(b.limit) / 1024 / 1024) : null;
        }
        return { username: r.user, usage };
      });
    },

    async sso(call, as) {
      // The client lands in cPanel as the account; staff in WHM as the API token's user.
      return as === 'client' ? session(call, { user: username(call), service: 'cpaneld' }) : session(call, { user: connectionOf(call.server).username, service: 'whostmgrd' });
    },

    async adminSso(call) {
      // WHM's staff login belongs to the server, not to an account: the API token's user in whostmgrd.
      return session(call, { user: connectionOf(call.server).username, service: 'whostmgrd' });
    },
  };
}
