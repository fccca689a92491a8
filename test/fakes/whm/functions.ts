import { randomBytes } from 'node:crypto';
import type { WhmAccount, WhmSession, WhmState } from './state.ts';

/** One function's outcome, wrapped by the server in WHM API 1's `{ metadata, data }` envelope. */
export interface WhmAnswer {
  result: 0 | 1;
  reason: string;
  data?: unknown;
  output?: string;
}

type Handler = (state: WhmState, params: Record<string, string>, env: { baseUrl: string; version: string }) => WhmAnswer;

/** WHM prefixes error reasons with an error id ("(XID 5bn8d2) ..."). */
const fail = (reason: string): WhmAnswer => ({ result: 0, reason: `(XID ${randomBytes(3).toString('hex')}) ${reason}` });
const done = (reason: string, data?: unknown, output?: string): WhmAnswer => ({ result: 1, reason, ...(data !== undefined ? { data } : {}), ...(output ? { output } : {}) });

const USERNAME = /^[a-z][a-z0-9]{0,15}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function account(state: WhmState, user: string | undefined): WhmAccount | WhmAnswer {
  if (!user) return fail('The parameter “user” is required.');
  const acct = state.accounts.get(user);
  return acct ?? fail(`The system could not find the account “${user}”: Account does not exist.`);
}
const isAnswer = (v: WhmAccount | WhmAnswer): v is WhmAnswer => 'result' in v;

/**
 * The WHM API 1 functions the cPanel module uses, with the documented parameters (createacct's
 * `username`/`domain`/`plan`/`contactemail`/`password`, removeacct's `username`, the others' `user`)
 * and the reasons WHM gives when they fail.
 */
export const handlers: Record<string, Handler> = {
  version: (_s, _p, env) => done('OK', { version: env.version }),

  createacct(state, p) {
    const user = p.username ?? '';
    if (!USERNAME.test(user)) return fail(`“${user}” is not a valid username: it must start with a letter and have at most 16 lowercase letters and digits.`);
    const domain = (p.domain ?? '').toLowerCase();
    if (!DOMAIN.test(domain)) return fail(`“${domain}” is not a valid domain.`);
    const plan = p.plan || 'default';
    if (!state.packages.has(plan)) return fail(`The package “${plan}” does not exist.`);
    if (state.accounts.has(user)) return fail(`Sorry, a passwd entry for “${user}” already exists.`);
    if ([...state.accounts.values()].some((a) => a.domain === domain)) return fail(`The domain “${domain}” already exists in the userdata.`);
    state.accounts.set(user, {
      user, domain, plan, email: p.contactemail ?? '', owner: p.owner || 'root', password: p.password ?? '',
      suspended: false, suspendreason: '', createdAt: new Date(), diskUsedMb: 0, bandwidthBytes: 0,
    });
    return done('Account Creation Ok', { ip: '127.0.0.1', nameserver: 'ns1.fake-whm.test', nameserver2: 'ns2.fake-whm.test', package: plan }, `Account Creation Ok: ${user} (${domain})`);
  },

  suspendacct(state, p) {
    const acct = account(state, p.user);
    if (isAnswer(acct)) return acct;
    // WHM re-suspends a suspended account (updating the reason) and reports success.
    acct.suspended = true;
    acct.suspendreason = p.reason ?? '';
    return done('OK', undefined, `Suspending account ${acct.user}\nAccount has been suspended`);
  },

  unsuspendacct(state, p) {
    const acct = account(state, p.user);
    if (isAnswer(acct)) return acct;
    if (!acct.suspended) return fail(`The account “${acct.user}” is not suspended.`);
    acct.suspended = false;
    acct.suspendreason = '';
    return done('OK', undefined, `Unsuspending account ${acct.user}\n${acct.user} account has been unsuspended`);
  },

  removeacct(state, p) {
    const user = p.username ?? p.user;
    const acct = account(state, user);
    if (isAnswer(acct)) return fail(`System user ${user ?? ''} does not exist!`);
    state.accounts.delete(acct.user);
    return done('OK', undefined, `Account Removal Ok: ${acct.user}`);
  },

  changepackage(state, p) {
    const acct = account(state, p.user);
    if (isAnswer(acct)) return acct;
    if (!p.pkg || !state.packages.has(p.pkg)) return fail(`Specified package “${p.pkg ?? ''}” does not exist.`);
    acct.plan = p.pkg;
    return done('Account Upgraded/Downgraded', undefined, `Changing package of ${acct.user} to ${p.pkg}`);
  },

  passwd(state, p) {
    const acct = account(state, p.user);
    if (isAnswer(acct)) return acct;
    if (!p.password || p.password.length < 8) return fail('The password must be at least 8 characters long.');
    acct.password = p.password;
    return done('Password changed for user ' + acct.user, { app: [{ app: 'system', notices: '', output: '' }, { app: 'ftp', notices: '', output: '' }] });
  },

  accountsummary(state, p) {
    const acct = p.user ? state.accounts.get(p.user) : [...state.accounts.values()].find((a) => a.domain === p.domain);
    if (!acct) return fail(`Account “${p.user ?? p.domain ?? ''}” does not exist.`);
    return done('OK', { acct: [state.accountRow(acct)] });
  },

  listaccts(state, p) {
    let accts = [...state.accounts.values()];
    if (p.search) {
      const field = ({ user: 'user', domain: 'domain', owner: 'owner', package: 'plan' } as const)[p.searchtype as 'user'] ?? 'domain';
      const exact = p.searchmethod === 'exact';
      accts = accts.filter((a) => (exact ? a[field] === p.search : new RegExp(p.search!, 'i').test(a[field])));
    }
    return done('OK', { acct: accts.map((a) => state.accountRow(a)) });
  },

  listpkgs(state) {
    return done('OK', { pkg: [...state.packages.values()] });
  },

  showbw(state, p) {
    let accts = [...state.accounts.values()];
    if (p.search && p.searchtype === 'user') accts = accts.filter((a) => a.user === p.search);
    const now = new Date();
    return done('OK', {
      month: Number(p.month ?? now.getUTCMonth() + 1), year: Number(p.year ?? now.getUTCFullYear()), reseller: 'root', totalused: accts.reduce((n, a) => n + a.bandwidthBytes, 0),
      acct: accts.map((a) => {
        const limit = state.packages.get(a.plan)?.BWLIMIT;
        return { user: a.user, maindomain: a.domain, owner: a.owner, deleted: 0, suspended: a.suspended ? 1 : 0, totalbytes: a.bandwidthBytes, limit: limit === 'unlimited' || limit === undefined ? 0 : Number(limit) * 1024 * 1024, bwusage: [] };
      }),
    });
  },

  create_user_session(state, p, env) {
    const service = p.service as WhmSession['service'];
    if (!['cpaneld', 'whostmgrd', 'webmaild'].includes(service)) return fail(`“${p.service ?? ''}” is not a valid service.`);
    if (!p.user) return fail('The parameter “user” is required.');
    if (service !== 'whostmgrd' && !state.accounts.has(p.user)) return fail(`The user “${p.user}” does not exist.`);
    const s = state.newSession(p.user, service);
    return done('Created session', {
      service, session: s.session, cp_security_token: `/${s.token}`, expires: s.expires,
      url: `${env.baseUrl}/${s.token}/login/?session=${encodeURIComponent(s.session)}`,
    });
  },
};
