/**
 * The state a HestiaCP server keeps for the API commands mPanel uses, and what each command answers:
 * Hestia's exit codes (func/main.sh: E_ARGS 1, E_INVALID 2, E_NOTEXIST 3, E_EXISTS 4, E_SUSPENDED 5,
 * E_UNSUSPENDED 6, E_LIMIT 8, E_PASSWORD 9, E_FORBIDEN 10...) and the `json` listings' shapes
 * (upper-case keys, every value a string, "yes"/"no" flags).
 */
export const E = {
  OK: 0, ARGS: 1, INVALID: 2, NOTEXIST: 3, EXISTS: 4, SUSPENDED: 5, UNSUSPENDED: 6, INUSE: 7, LIMIT: 8,
  PASSWORD: 9, FORBIDEN: 10, DISABLED: 11, PARSING: 12, DISK: 13, LA: 14, CONNECT: 15,
} as const;

export interface HestiaPackage {
  WEB_DOMAINS: string;
  DATABASES: string;
  DISK_QUOTA: string;
  BANDWIDTH: string;
  [key: string]: string;
}

export interface HestiaUser {
  name: string;
  password: string;
  contact: string;
  package: string;
  fullName: string;
  suspended: boolean;
  date: string;
  diskMb: number;
  domains: Map<string, { suspended: boolean; ip: string }>;
}

/** A command's outcome: the exit code and what the CLI printed (JSON for `json` listings). */
export interface CommandResult {
  code: number;
  output: string;
}

const ok = (output = ''): CommandResult => ({ code: E.OK, output });
const fail = (code: number, output: string): CommandResult => ({ code, output: `Error: ${output}` });

// Hestia's is_format_valid 'user': alnum first and last, then alnum . - _ ; at most 30 characters.
const USER_FORMAT = /^[A-Za-z0-9][-._A-Za-z0-9]{0,28}[A-Za-z0-9]$/;
const EMAIL_FORMAT = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DOMAIN_FORMAT = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const RESERVED = new Set(['root', 'admin', 'hestia', 'nobody', 'www-data', 'mysql']);

export class HestiaState {
  readonly users = new Map<string, HestiaUser>();
  readonly packages = new Map<string, HestiaPackage>();

  constructor() {
    this.addPackage('default', { WEB_DOMAINS: '1', DATABASES: '1', DISK_QUOTA: '1000', BANDWIDTH: '10000' });
  }

  addPackage(name: string, limits: Partial<HestiaPackage> = {}): void {
    this.packages.set(name, { WEB_DOMAINS: 'unlimited', DATABASES: 'unlimited', DISK_QUOTA: 'unlimited', BANDWIDTH: 'unlimited', WEB_TEMPLATE: 'default', ...limits } as HestiaPackage);
  }

  /** Seeds an account as if created long ago (for import tests): no API call. */
  seedUser(name: string, opts: { contact: string; package?: string; domain?: string; suspended?: boolean; fullName?: string }): void {
    this.users.set(name, {
      name, password: 'seeded', contact: opts.contact, package: opts.package ?? 'default', fullName: opts.fullName ?? name,
      suspended: opts.suspended ?? false, date: '2024-01-15', diskMb: 12, domains: new Map(opts.domain ? [[opts.domain, { suspended: false, ip: '192.0.2.10' }]] : []),
    });
  }

  /** Runs `cmd` with `args` as the API's admin user would. */
  run(cmd: string, args: string[]): CommandResult {
    const handler = COMMANDS[cmd];
    if (!handler) return fail(E.INVALID, `command ${cmd} does not exist`);
    return handler(this, args);
  }
}

function need(args: string[], n: number, usage: string): CommandResult | undefined {
  return args.filter((a) => a !== '').length < n ? fail(E.ARGS, `not enough arguments\nUsage: ${usage}`) : undefined;
}

function userOf(state: HestiaState, name: string): HestiaUser | CommandResult {
  if (!USER_FORMAT.test(name)) return fail(E.INVALID, `invalid user format :: ${name}`);
  return state.users.get(name) ?? fail(E.NOTEXIST, `user ${name} doesn't exist`);
}

const isResult = (v: unknown): v is CommandResult => typeof v === 'object' && v !== null && 'code' in v && 'output' in v;

/** `v-list-user(s)`: the documented keys, all strings. */
function userJson(state: HestiaState, u: HestiaUser): Record<string, string> {
  const pkg = state.packages.get(u.package);
  const [first = '', ...rest] = u.fullName.split(' ');
  return {
    NAME: u.fullName, FNAME: first, LNAME: rest.join(' '), PACKAGE: u.package, WEB_TEMPLATE: 'default', CONTACT: u.contact,
    SUSPENDED: u.suspended ? 'yes' : 'no', SUSPENDED_WEB: String([...u.domains.values()].filter((d) => d.suspended).length),
    WEB_DOMAINS: pkg?.WEB_DOMAINS ?? '0', DATABASES: pkg?.DATABASES ?? '0', DISK_QUOTA: pkg?.DISK_QUOTA ?? '0', BANDWIDTH: pkg?.BANDWIDTH ?? '0',
    U_WEB_DOMAINS: String(u.domains.size), U_DISK: String(u.diskMb), U_BANDWIDTH: '0', U_DATABASES: '0',
    LANGUAGE: 'en', SHELL: 'nologin', TIME: '10:00:00', DATE: u.date,
  };
}

type Command = (state: HestiaState, args: string[]) => CommandResult;

const COMMANDS: Record<string, Command> = {
  // v-add-user USER PASSWORD EMAIL [PACKAGE] [NAME] [LASTNAME]
  'v-add-user': (s, [user = '', password = '', email = '', pkg = 'default', first = '', last = '']) => {
    const missing = need([user, password, email], 3, 'v-add-user USER PASSWORD EMAIL [PACKAGE] [NAME] [LASTNAME]');
    if (missing) return missing;
    if (!USER_FORMAT.test(user)) return fail(E.INVALID, `invalid user format :: ${user}`);
    if (RESERVED.has(user) || s.users.has(user)) return fail(E.EXISTS, `user ${user} exists`);
    if (!EMAIL_FORMAT.test(email)) return fail(E.INVALID, `invalid email format :: ${email}`);
    if (password.length < 8) return fail(E.INVALID, 'invalid password format :: password must be at least 8 characters');
    if (!s.packages.has(pkg)) return fail(E.NOTEXIST, `package ${pkg} doesn't exist`);
    s.users.set(user, {
      name: user, password, contact: email, package: pkg, fullName: [first, last].filter(Boolean).join(' '), suspended: false,
      date: new Date().toISOString().slice(0, 10), diskMb: 0, domains: new Map(),
    });
    return ok();
  },
  'v-suspend-user': (s, [user = '']) => {
    const u = userOf(s, user);
    if (isResult(u)) return u;
    if (u.suspended) return fail(E.SUSPENDED, `user ${user} is suspended`);
    u.suspended = true;
    for (const d of u.domains.values()) d.suspended = true;
    return ok();
  },
  'v-unsuspend-user': (s, [user = '']) => {
    const u = userOf(s, user);
    if (isResult(u)) return u;
    if (!u.suspended) return fail(E.UNSUSPENDED, `user ${user} is not suspended`);
    u.suspended = false;
    for (const d of u.domains.values()) d.suspended = false;
    return ok();
  },
  'v-delete-user': (s, [user = '']) => {
    const u = userOf(s, user);
    if (isResult(u)) return u;
    s.users.delete(user);
    return ok();
  },
  // v-change-user-package USER PACKAGE [FORCE]
  'v-change-user-package': (s, [user = '', pkg = '']) => {
    const missing = need([user, pkg], 2, 'v-change-user-package USER PACKAGE [FORCE]');
    if (missing) return missing;
    const u = userOf(s, user);
    if (isResult(u)) return u;
    if (!s.packages.has(pkg)) return fail(E.NOTEXIST, `package ${pkg} doesn't exist`);
    u.package = pkg;
    return ok();
  },
  'v-change-user-password': (s, [user = '', password = '']) => {
    const missing = need([user, password], 2, 'v-change-user-password USER PASSWORD');
    if (missing) return missing;
    const u = userOf(s, user);
    if (isResult(u)) return u;
    if (password.length < 8) return fail(E.INVALID, 'invalid password format :: password must be at least 8 characters');
    u.password = password;
    return ok();
  },
  // v-add-web-domain USER DOMAIN [IP] [RESTART] [ALIASES] [PROXY_EXTENSIONS]
  'v-add-web-domain': (s, [user = '', domain = '', ip = '192.0.2.10']) => {
    const missing = need([user, domain], 2, 'v-add-web-domain USER DOMAIN [IP] [RESTART] [ALIASES] [PROXY_EXTENSIONS]');
    if (missing) return missing;
    const u = userOf(s, user);
    if (isResult(u)) return u;
    if (u.suspended) return fail(E.SUSPENDED, `user ${user} is suspended`);
    if (!DOMAIN_FORMAT.test(domain)) return fail(E.INVALID, `invalid domain format :: ${domain}`);
    const lower = domain.toLowerCase();
    for (const other of s.users.values()) if (other.domains.has(lower)) return fail(E.EXISTS, `web domain ${lower} exists`);
    const limit = s.packages.get(u.package)?.WEB_DOMAINS ?? '0';
    if (limit !== 'unlimited' && u.domains.size >= Number(limit)) return fail(E.LIMIT, 'Web domain limit is reached :: upgrade hosting package');
    u.domains.set(lower, { suspended: false, ip });
    return ok();
  },
  // Listings: the format is the last argument ("json"); `v-list-users` also accepts the admin user before it.
  'v-list-users': (s) => ok(JSON.stringify(Object.fromEntries([...s.users.values()].map((u) => [u.name, userJson(s, u)])), null, 2)),
  'v-list-user': (s, [user = '']) => {
    const u = userOf(s, user);
    if (isResult(u)) return u;
    return ok(JSON.stringify({ [u.name]: userJson(s, u) }, null, 2));
  },
  'v-list-user-packages': (s) => ok(JSON.stringify(Object.fromEntries(s.packages), null, 2)),
  'v-list-web-domains': (s, [user = '']) => {
    const u = userOf(s, user);
    if (isResult(u)) return u;
    return ok(JSON.stringify(Object.fromEntries([...u.domains].map(([d, v]) => [d, { IP: v.ip, SUSPENDED: v.suspended ? 'yes' : 'no', SSL: 'no', DATE: u.date }])), null, 2));
  },
  'v-list-sys-info': () => ok(JSON.stringify({ sysinfo: { HOSTNAME: 'hestia.fake', OS: 'Debian', VERSION: '12', ARCH: 'x86_64', HESTIA: '1.8.11', RELEASE: 'release' } }, null, 2)),
};
