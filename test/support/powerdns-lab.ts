import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private PowerDNS Authoritative server for tests (HOSTING.md §7.1): its own temp dir with a
 * gsqlite3 database (DNSSEC on), DNS on 127.0.0.1:portBase (UDP and TCP), the HTTP API on
 * 127.0.0.1:portBase+1 with a random API key. Never the machine's own pdns. `stop()` ends it and
 * removes the dir; `kill()` ends only the process (the data stays) and `restart()` starts it again
 * on the same ports and data, for "PowerDNS down, then back" tests.
 */
export interface PowerDnsLab {
  dnsPort: number;
  apiPort: number;
  /** `http://127.0.0.1:<port>` (the API lives under /api/v1/servers/localhost). */
  apiUrl: string;
  apiKey: string;
  dir: string;
  /** SOA primary name used by default-soa-content. */
  soaNameserver: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** Stops the server, keeping its data (the API refuses connections until restart()). */
  kill(): Promise<void>;
  /** (Re)starts the server on the same ports and data and waits until the API answers. */
  restart(): Promise<void>;
  /** Last lines of the server's log, for failure messages. */
  log(): string;
}

export interface PowerDnsLabOptions {
  /** DNS port; the API uses portBase+1. */
  portBase: number;
  /** Extra pdns.conf lines (`key=value`). */
  extraConfig?: string[];
}

const SCHEMA = '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql';

function findPdns(): string {
  for (const bin of ['/usr/sbin/pdns_server', '/usr/bin/pdns_server']) if (existsSync(bin)) return bin;
  throw new Error('pdns_server is not installed (run .ci/services/dns.sh)');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startPowerDnsLab(opts: PowerDnsLabOptions): Promise<PowerDnsLab> {
  const pdns = findPdns();
  if (!existsSync(SCHEMA)) throw new Error(`${SCHEMA} is missing: pdns-backend-sqlite3 is not installed (run .ci/services/dns.sh)`);
  const sqlite = spawnSync('sqlite3', ['-version']);
  if (sqlite.error || sqlite.status !== 0) throw new Error('sqlite3 is not installed (run .ci/services/dns.sh)');

  const dnsPort = opts.portBase;
  const apiPort = opts.portBase + 1;
  const apiKey = randomBytes(18).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'pdns-'));
  const db = join(dir, 'pdns.sqlite3');
  execFileSync('sqlite3', [db], { input: readFileSync(SCHEMA) });
  const soaNameserver = 'ns1.lab.test.';
  const conf = [
    'launch=gsqlite3',
    `gsqlite3-database=${db}`,
    'gsqlite3-dnssec=yes',
    'local-address=127.0.0.1',
    `local-port=${dnsPort}`,
    'api=yes',
    `api-key=${apiKey}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${apiPort}`,
    'webserver-allow-from=127.0.0.0/8',
    `default-soa-content=${soaNameserver} hostmaster.@ 0 10800 3600 604800 3600`,
    `socket-dir=${dir}`,
    'guardian=no',
    'daemon=no',
    'disable-syslog=yes',
    'setuid=',
    'setgid=',
    // Tests read what they just wrote: no packet or query cache between a PATCH and a dig.
    'cache-ttl=0',
    'negquery-cache-ttl=0',
    'query-cache-ttl=0',
    'zone-cache-refresh-interval=0',
    ...(opts.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'pdns.conf'), conf.join('\n') + '\n');
  const logFile = join(dir, 'pdns.log');

  let child: ChildProcess | null = null;
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const log = (): string => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  };

  const apiAnswers = async (): Promise<boolean> => {
    try {
      const res = await fetch(`${apiUrl}/api/v1/servers/localhost`, { headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(1000) });
      return res.status === 200;
    } catch {
      return false;
    }
  };

  const start = async (): Promise<void> => {
    const fd = openSync(logFile, 'a');
    const proc = spawn(pdns, [`--config-dir=${dir}`], { stdio: ['ignore', fd, fd], detached: false });
    closeSync(fd);
    child = proc;
    let exited: number | null | undefined;
    proc.once('exit', (code) => {
      exited = code;
    });
    const until = Date.now() + 15_000;
    while (!(await apiAnswers())) {
      if (exited !== undefined) throw new Error(`pdns_server exited (${exited}) while starting:\n${log()}`);
      if (Date.now() > until) {
        proc.kill('SIGKILL');
        throw new Error(`pdns_server's API on ${apiUrl} did not answer within 15 s:\n${log()}`);
      }
      await sleep(50);
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timedOut = await Promise.race([gone.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) {
      proc.kill('SIGKILL');
      await gone;
    }
  };

  await start();
  return {
    dnsPort,
    apiPort,
    apiUrl,
    apiKey,
    dir,
    soaNameserver,
    log,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DigOptions {
  dnssec?: boolean;
  /** Use TCP (`+tcp`). */
  tcp?: boolean;
}

export interface DigAnswer {
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, `REFUSED`… */
  status: string;
  /** Header flags (`qr aa rd`…). */
  flags: string[];
  /** Answer-section lines split into fields: `[name, ttl, class, type, ...rdata]`. */
  answers: string[][];
  /** Just the rdata of the answers of the asked type, joined by one space each. */
  values: string[];
  raw: string;
}

/** Asks the lab's PowerDNS directly (`dig @127.0.0.1 -p <port> +norec`). */
export function dig(lab: Pick<PowerDnsLab, 'dnsPort'> | number, name: string, type: string, opts: DigOptions = {}): DigAnswer {
  const port = typeof lab === 'number' ? lab : lab.dnsPort;
  const args = ['@127.0.0.1', '-p', String(port), '+norec', '+time=2', '+tries=2', '+nocmd', '+nostats', '+multiline=false'];
  if (opts.dnssec) args.push('+dnssec');
  if (opts.tcp) args.push('+tcp');
  args.push(name, type);
  const res = spawnSync('dig', args, { encoding: 'utf8' });
  if (res.error) throw new Error(`dig is not installed (run .ci/services/dns.sh): ${res.error.message}`);
  const raw = res.stdout ?? '';
  if (res.status !== 0) throw new Error(`dig ${args.join(' ')} failed (${res.status}): ${raw}${res.stderr ?? ''}`);
  const status = /status: ([A-Z]+)/.exec(raw)?.[1] ?? 'UNKNOWN';
  const flags = (/flags: ([a-z ]+);/.exec(raw)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const answers: string[][] = [];
  let inAnswer = false;
  for (const line of raw.split('\n')) {
    if (line.startsWith(';; ANSWER SECTION')) {
      inAnswer = true;
      continue;
    }
    if (inAnswer) {
      if (!line.trim() || line.startsWith(';;')) {
        inAnswer = false;
        continue;
      }
      answers.push(line.trim().split(/\s+/));
    }
  }
  const upper = type.toUpperCase();
  const values = answers.filter((a) => a[3] === upper).map((a) => a.slice(4).join(' '));
  return { status, flags, answers, values, raw };
}
