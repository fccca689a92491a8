import { FakeHestiaServer } from '../../../../test/fakes/hestia/server.ts';
import { FakeWhmServer } from '../../../../test/fakes/whm/server.ts';

/** An account as a test seeds it on a panel fake. */
export interface SeedAccount {
  email: string;
  domain?: string;
  package?: string;
  suspended?: boolean;
}

/**
 * One panel fake as the import tests use it, so one test body imports from HestiaCP and from WHM
 * through each real module's `listAccounts`: start and stop it, seed and remove accounts, the
 * credentials a server gets, and how many requests could have changed something on it.
 */
export interface ImportPanel {
  /** For test titles. */
  label: string;
  /** The provisioning module id (servers.module) and the plugin directory that provides it. */
  module: 'hestia' | 'cpanel';
  plugin: string;
  version: string;
  /** Listens on `port` (default: any free port). */
  start(port?: number): Promise<void>;
  stop(): Promise<void>;
  port(): number;
  credentials(): Record<string, string>;
  addPackage(name: string): void;
  seed(username: string, account: SeedAccount): void;
  remove(username: string): void;
  /** Requests other than listings and reads (anything that could have changed the panel). */
  mutations(): number;
  /** Requests of any kind (a refused request never reaches the fake). */
  requests(): number;
}

export function hestiaPanel(fake = new FakeHestiaServer()): ImportPanel {
  return {
    label: 'HestiaCP', module: 'hestia', plugin: 'provisioning-hestia', version: '1.8.11',
    start: async (port) => void (await fake.start(port)),
    stop: () => fake.close(),
    port: () => fake.port,
    credentials: () => ({ scheme: 'http', accessKey: fake.keys.accessKey, secretKey: fake.keys.secretKey }),
    addPackage: (name) => fake.state.addPackage(name, { WEB_DOMAINS: '5' }),
    seed: (username, a) => fake.state.seedUser(username, { contact: a.email, ...(a.domain ? { domain: a.domain } : {}), ...(a.package ? { package: a.package } : {}), suspended: a.suspended ?? false }),
    remove: (username) => void fake.state.users.delete(username),
    mutations: () => fake.requests.filter((r) => !r.cmd.startsWith('v-list-')).length,
    requests: () => fake.requests.length,
  };
}

/** WHM functions that only read (listaccts, listpkgs, version, accountsummary, showbw). */
const WHM_READS = new Set(['listaccts', 'listpkgs', 'version', 'accountsummary', 'showbw']);

export function whmPanel(fake = new FakeWhmServer()): ImportPanel {
  return {
    label: 'WHM', module: 'cpanel', plugin: 'provisioning-cpanel', version: fake.version,
    start: async (port) => void (await fake.start(port)),
    stop: () => fake.stop(),
    port: () => fake.port,
    credentials: () => ({ protocol: 'http', username: 'root', token: fake.token }),
    addPackage: (name) => void fake.state.addPackage(name, { QUOTA: 5000 }),
    seed: (username, a) => fake.state.accounts.set(username, {
      user: username, domain: a.domain ?? `${username.toLowerCase().replace(/[^a-z0-9]/g, '')}.whm-seed.example`, plan: a.package ?? 'default', email: a.email, owner: 'root',
      password: 'seeded', suspended: a.suspended ?? false, suspendreason: a.suspended ? 'unpaid' : '', createdAt: new Date('2024-01-15T10:00:00Z'), diskUsedMb: 12, bandwidthBytes: 0,
    }),
    remove: (username) => void fake.state.accounts.delete(username),
    mutations: () => fake.requests.filter((r) => !WHM_READS.has(r.function)).length,
    requests: () => fake.requests.length,
  };
}
