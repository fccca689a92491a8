import { randomBytes } from 'node:crypto';

/**
 * What a WHM server holds, as WHM API 1 reports it: accounts (listaccts/accountsummary rows),
 * packages (listpkgs rows) and one-time login sessions (create_user_session). Field names and
 * value formats follow the documented answers: `suspended` 0/1, sizes as "20M" or "unlimited",
 * `startdate` "24 Jun 10 15:30", `unix_startdate` seconds.
 */
export interface WhmAccount {
  user: string;
  domain: string;
  plan: string;
  email: string;
  owner: string;
  password: string;
  suspended: boolean;
  suspendreason: string;
  createdAt: Date;
  diskUsedMb: number;
  bandwidthBytes: number;
}

export interface WhmPackage {
  name: string;
  QUOTA: string | number;
  BWLIMIT: string | number;
  MAXPOP: string | number;
  MAXSQL: string | number;
  MAXADDON: string | number;
}

export interface WhmSession {
  user: string;
  service: 'cpaneld' | 'whostmgrd' | 'webmaild';
  token: string;
  session: string;
  expires: number;
  used: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** WHM's `startdate` format: "24 Jun 10 15:30" (two-digit year). */
function startdate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const mb = (v: string | number): string => (v === 'unlimited' || v === 0 || v === '0' ? 'unlimited' : `${v}M`);

export class WhmState {
  readonly accounts = new Map<string, WhmAccount>();
  readonly packages = new Map<string, WhmPackage>();
  readonly sessions = new Map<string, WhmSession>();

  constructor() {
    this.addPackage('default');
  }

  addPackage(name: string, limits: Partial<Omit<WhmPackage, 'name'>> = {}): WhmPackage {
    const pkg: WhmPackage = { name, QUOTA: 'unlimited', BWLIMIT: 'unlimited', MAXPOP: 'unlimited', MAXSQL: 'unlimited', MAXADDON: 'unlimited', ...limits };
    this.packages.set(name, pkg);
    return pkg;
  }

  /** An accounts' listaccts/accountsummary row, as WHM answers it. */
  accountRow(a: WhmAccount): Record<string, unknown> {
    const pkg = this.packages.get(a.plan);
    return {
      user: a.user, domain: a.domain, plan: a.plan, email: a.email, owner: a.owner,
      suspended: a.suspended ? 1 : 0, suspendreason: a.suspended ? a.suspendreason : 'not suspended', suspendtime: a.suspended ? Math.floor(Date.now() / 1000) : null,
      startdate: startdate(a.createdAt), unix_startdate: Math.floor(a.createdAt.getTime() / 1000),
      diskused: `${a.diskUsedMb}M`, disklimit: mb(pkg?.QUOTA ?? 'unlimited'),
      ip: '127.0.0.1', ipv6: [], partition: 'home', shell: '/usr/local/cpanel/bin/noshell', theme: 'jupiter',
      maxpop: String(pkg?.MAXPOP ?? 'unlimited'), maxsql: String(pkg?.MAXSQL ?? 'unlimited'), maxaddons: String(pkg?.MAXADDON ?? 'unlimited'),
      is_locked: 0, outgoing_mail_suspended: 0, backup: 0, temporary: 0,
    };
  }

  /** A one-time session, as create_user_session makes one (WHM documents `cpsess` + 10 digits). */
  newSession(user: string, service: WhmSession['service'], ttlSeconds = 60): WhmSession {
    const token = `cpsess${String(randomBytes(5).readUInt32BE(0)).padStart(10, '0')}`;
    const session = `${user}:${randomBytes(12).toString('hex')}:CREATE_USER_SESSION,${randomBytes(16).toString('hex')}`;
    const s: WhmSession = { user, service, token, session, expires: Math.floor(Date.now() / 1000) + ttlSeconds, used: false };
    this.sessions.set(session, s);
    return s;
  }
}
