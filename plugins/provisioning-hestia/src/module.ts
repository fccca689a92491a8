import { randomBytes } from 'node:crypto';
import {
  ProvisioningError,
  type AccountUsage,
  type ObservedAccount,
  type ProvisioningCall,
  type ProvisioningModule,
  type ProvisioningResult,
  type RemoteAccount,
  type ServerCall,
} from '@mpanel/sdk';
import { DEFAULT_TIMEOUT_MS, HestiaApi, type HostGuard } from './api.ts';
import { HESTIA, errorForExitCode } from './exit-codes.ts';

export interface HestiaSettings {
  /** Per API call (FOSSBilling raised Hestia's 5 s to 30 s: PR #1023). */
  timeoutSeconds?: number;
}

/** What `v-list-user(s) ... json` answers per user (every value a string). */
export interface HestiaUserJson {
  NAME?: string; FNAME?: string; LNAME?: string; PACKAGE?: string; CONTACT?: string; SUSPENDED?: string; DATE?: string;
  U_DISK?: string; DISK_QUOTA?: string; U_BANDWIDTH?: string; BANDWIDTH?: string; U_WEB_DOMAINS?: string; U_DATABASES?: string;
}

export interface HestiaModuleOptions {
  /** This plugin's settings for a tenant (the call's own `settings` are the calling plugin's). */
  settingsOf?(tenantId: string): Promise<Partial<HestiaSettings>>;
  /** Refuses private addresses (the plugin passes `ctx.net.resolvePublic`). */
  guard?: HostGuard;
}

/** The Hestia username: the hosting plugin always sets one; a bare call gets one derived from the service. */
export function usernameOf(call: ProvisioningCall): string {
  return call.account.username ?? `u${call.account.serviceId.replace(/-/g, '').slice(0, 10)}`;
}

/**
 * Who created the user: mPanel writes it into the user's last name at creation, so a create that
 * meets "user exists" (a retry after a lost answer) can tell its own account from a stranger's.
 * Hestia allows at most 30 name characters, so the service id is shortened (collisions: 16^24).
 */
export const ownerMarkOf = (serviceId: string): string => `svc${serviceId.replace(/-/g, '').slice(0, 24)}`;

export function packageOf(call: ProvisioningCall): string {
  const fromConfig = call.account.packageConfig.package;
  return call.plan?.remotePackage ?? (typeof fromConfig === 'string' && fromConfig ? fromConfig : 'default');
}

/** The contact address Hestia requires: the order's, the product config's, or a hostmaster address on the domain. */
function emailOf(call: ProvisioningCall, username: string): string {
  const given = call.account.options?.email ?? call.account.packageConfig.contactEmail;
  if (typeof given === 'string' && given.includes('@')) return given;
  return `hostmaster@${call.account.domain ?? `${username}.${call.server.hostname}`}`;
}

const toUsage = (u: HestiaUserJson): AccountUsage => {
  const limit = (v?: string) => (v === undefined || v === 'unlimited' ? null : Number(v));
  return { diskUsedMb: Number(u.U_DISK ?? 0), diskLimitMb: limit(u.DISK_QUOTA), bandwidthUsedMb: Number(u.U_BANDWIDTH ?? 0), bandwidthLimitMb: limit(u.BANDWIDTH),
    extra: { webDomains: Number(u.U_WEB_DOMAINS ?? 0), databases: Number(u.U_DATABASES ?? 0) } };
};

const ok = (message?: string, extra: Partial<ProvisioningResult> = {}): ProvisioningResult => ({ ok: true, ...(message ? { message } : {}), ...extra });

/**
 * HestiaCP as a ProvisioningModule: one Hestia user per hosting account, its first web domain, the
 * Hestia package as the plan. Every lifecycle call converges: "exists" on create is checked
 * against the owner mark, "already suspended" on suspend and "not found" on terminate are success.
 */
export function createHestiaModule(options: HestiaModuleOptions = {}): ProvisioningModule<HestiaSettings> {
  /** The per-call timeout: this plugin's setting, else one passed in the call (tests), else 30 s. */
  const timeoutOf = async (call: ServerCall<HestiaSettings>): Promise<number> => {
    const own = options.settingsOf ? await options.settingsOf(call.tenantId).catch(() => ({} as Partial<HestiaSettings>)) : {};
    const s = Number(own.timeoutSeconds ?? call.settings.timeoutSeconds);
    return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_TIMEOUT_MS;
  };
  const api = (call: ServerCall<HestiaSettings>) => new HestiaApi(call.server, options.guard);
  const run = async (call: ProvisioningCall<HestiaSettings>, cmd: string, args: string[], secretArgs?: number[]) =>
    api(call).code(cmd, args, { mutates: true, timeoutMs: await timeoutOf(call), operation: call.operation, ...(secretArgs ? { secretArgs } : {}) });
  const what = (call: ProvisioningCall) => `user ${usernameOf(call)} on ${call.server.hostname}`;

  const readUser = async (call: ProvisioningCall<HestiaSettings>): Promise<HestiaUserJson | undefined> => {
    const user = usernameOf(call);
    const answer = await api(call).json<Record<string, HestiaUserJson>>('v-list-user', [user], { timeoutMs: await timeoutOf(call), operation: call.operation });
    return answer === 'notFound' ? undefined : answer[user];
  };
  const domainsOf = async (call: ServerCall<HestiaSettings>, user: string, timeoutMs: number): Promise<string[]> => {
    const answer = await api(call).json<Record<string, unknown>>('v-list-web-domains', [user], { timeoutMs });
    return answer === 'notFound' ? [] : Object.keys(answer);
  };

  /** The account's first web domain: added once, "exists" is fine when this user holds it. */
  const ensureDomain = async (call: ProvisioningCall<HestiaSettings>): Promise<void> => {
    const domain = call.account.domain?.toLowerCase();
    if (!domain) return;
    const user = usernameOf(call);
    const code = await run(call, 'v-add-web-domain', [user, domain]);
    if (code === HESTIA.OK) return;
    if (code === HESTIA.EXISTS && (await domainsOf(call, user, await timeoutOf(call))).includes(domain)) return;
    if (code === HESTIA.EXISTS) throw new ProvisioningError(`Web domain ${domain} exists on ${call.server.hostname} under another Hestia user: remove it there or import that account`, 'CONFLICT', { detail: { cmd: 'v-add-web-domain', exitCode: code } });
    throw errorForExitCode(code, 'v-add-web-domain', `${domain} (${what(call)})`);
  };

  return {
    displayName: 'HestiaCP',
    capabilities: { changePassword: true, sso: false, listAccounts: true, usage: true, resources: [] },
    packageConfigSchema: {
      type: 'object', additionalProperties: false,
      properties: {
        package: { type: 'string', minLength: 1, maxLength: 64, description: 'Hestia package (v-list-user-packages); the plan\'s remote package wins' },
        contactEmail: { type: 'string', maxLength: 254, description: 'Contact e-mail Hestia stores on the user (default: the order\'s)' },
      },
    },

    async testConnection(call) {
      try {
        const info = await api(call).json<{ sysinfo?: Record<string, string> }>('v-list-sys-info', [], { timeoutMs: Math.min(await timeoutOf(call), 15_000) });
        const sys = info === 'notFound' ? {} : info.sysinfo ?? {};
        return { ok: true, message: `HestiaCP ${sys.HESTIA ?? ''} on ${sys.OS ?? 'unknown OS'} answered`.replace(/\s+/g, ' '), ...(sys.HESTIA ? { version: sys.HESTIA } : {}), facts: sys };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },

    async listPackages(call) {
      const answer = await api(call).json<Record<string, unknown>>('v-list-user-packages', [], { timeoutMs: await timeoutOf(call) });
      return answer === 'notFound' ? [] : Object.keys(answer).map((id) => ({ id, label: id }));
    },

    async observe(call) {
      const u = await readUser(call);
      if (!u) return { exists: false };
      const observed: ObservedAccount = {
        exists: true, status: u.SUSPENDED === 'yes' ? 'suspended' : 'active', username: usernameOf(call), usage: toUsage(u),
        remote: { owner: u.LNAME ?? '', contact: u.CONTACT ?? '' },
      };
      if (u.PACKAGE) observed.packageName = u.PACKAGE;
      return observed;
    },

    async create(call) {
      const user = usernameOf(call);
      const pkg = packageOf(call);
      const password = call.account.password ?? randomBytes(15).toString('base64url');
      const code = await run(call, 'v-add-user', [user, password, emailOf(call, user), pkg, 'mPanel', ownerMarkOf(call.account.serviceId)], [1]);
      if (code === HESTIA.EXISTS) {
        // A retry after a lost answer meets its own user: converge. Someone else's user is a conflict.
        const existing = await readUser(call);
        if (existing?.LNAME !== ownerMarkOf(call.account.serviceId)) {
          throw new ProvisioningError(`Username ${user} is already taken on ${call.server.hostname} by an account mPanel did not create for this service: pick another username, or import that account`, 'ALREADY_EXISTS', { detail: { cmd: 'v-add-user', exitCode: code } });
        }
        await ensureDomain(call);
        return ok(`Hestia user ${user} already existed for this service`, { username: user, remote: { hestiaUser: user, package: existing.PACKAGE ?? pkg } });
      }
      if (code === HESTIA.NOTEXIST) {
        throw new ProvisioningError(`Package '${pkg}' does not exist on ${call.server.hostname}: create it in Hestia (Packages) or pick an existing one in the plan`, 'INVALID_PACKAGE', { detail: { cmd: 'v-add-user', exitCode: code } });
      }
      if (code !== HESTIA.OK) throw errorForExitCode(code, 'v-add-user', what(call));
      await ensureDomain(call);
      return ok(undefined, { username: user, password, remote: { hestiaUser: user, package: pkg } });
    },

    async suspend(call) {
      const code = await run(call, 'v-suspend-user', [usernameOf(call)]);
      if (code === HESTIA.OK || code === HESTIA.SUSPENDED) return ok(code === HESTIA.SUSPENDED ? 'already suspended' : undefined);
      throw errorForExitCode(code, 'v-suspend-user', what(call));
    },

    async unsuspend(call) {
      const code = await run(call, 'v-unsuspend-user', [usernameOf(call)]);
      if (code === HESTIA.OK || code === HESTIA.UNSUSPENDED) return ok(code === HESTIA.UNSUSPENDED ? 'already active' : undefined);
      throw errorForExitCode(code, 'v-unsuspend-user', what(call));
    },

    async terminate(call) {
      const code = await run(call, 'v-delete-user', [usernameOf(call)]);
      if (code === HESTIA.OK || code === HESTIA.NOTEXIST) return ok(code === HESTIA.NOTEXIST ? 'already removed' : undefined);
      throw errorForExitCode(code, 'v-delete-user', what(call));
    },

    async changePackage(call) {
      const pkg = packageOf(call);
      const code = await run(call, 'v-change-user-package', [usernameOf(call), pkg]);
      if (code === HESTIA.OK) return ok(undefined, { remote: { hestiaUser: usernameOf(call), package: pkg } });
      // E_NOTEXIST names either the user or the package: the user's presence tells which.
      if (code === HESTIA.NOTEXIST && (await readUser(call))) {
        throw new ProvisioningError(`Package '${pkg}' does not exist on ${call.server.hostname}: create it in Hestia (Packages) or pick an existing one in the plan`, 'INVALID_PACKAGE', { detail: { cmd: 'v-change-user-package', exitCode: code } });
      }
      throw errorForExitCode(code, 'v-change-user-package', what(call));
    },

    async changePassword(call, newPassword) {
      const code = await run(call, 'v-change-user-password', [usernameOf(call), newPassword], [1]);
      if (code === HESTIA.OK) return ok();
      throw errorForExitCode(code, 'v-change-user-password', what(call));
    },

    async listAccounts(call) {
      const timeoutMs = await timeoutOf(call);
      const users = await api(call).json<Record<string, HestiaUserJson>>('v-list-users', ['admin'], { timeoutMs });
      if (users === 'notFound') return [];
      const entries = Object.entries(users);
      const out: RemoteAccount[] = new Array(entries.length);
      // The users' web domains: one listing per user, a few at a time (a real server answers each in ~100 ms).
      let next = 0;
      const worker = async () => {
        while (next < entries.length) {
          const i = next++;
          const [username, u] = entries[i]!;
          const domains = await domainsOf(call, username, timeoutMs);
          out[i] = {
            username, status: u.SUSPENDED === 'yes' ? 'suspended' : 'active',
            ...(domains[0] ? { domain: domains[0] } : {}), ...(u.CONTACT ? { email: u.CONTACT } : {}), ...(u.PACKAGE ? { packageName: u.PACKAGE } : {}),
            ...(u.DATE ? { createdAt: u.DATE } : {}), diskUsedMb: Number(u.U_DISK ?? 0),
          };
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, entries.length) }, worker));
      return out;
    },

    async usage(call) {
      const users = await api(call).json<Record<string, HestiaUserJson>>('v-list-users', ['admin'], { timeoutMs: await timeoutOf(call) });
      return users === 'notFound' ? [] : Object.entries(users).map(([username, u]) => ({ username, usage: toUsage(u) }));
    },
  };
}
