import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Pebble, Let's Encrypt's test CA (Debian `pebble`), with real validation (HOSTING.md §7.3): its
 * VA resolves names through the given DNS server (the lab's PowerDNS) and fetches http-01 tokens
 * on `httpPort` (the lab's nginx). No always-valid mode. Its ACME listener gets a TLS certificate
 * from a lab CA made here (`caFile`: give it to the panel as NODE_EXTRA_CA_CERTS); `rootPem()` is
 * the root Pebble signs issued certificates with (for curl --cacert). `nonceReject` sets
 * PEBBLE_WFE_NONCEREJECT (unset: Pebble's default 5 % of nonces rejected).
 */
export interface PebbleLab {
  directoryUrl: string;
  managementUrl: string;
  /** The lab CA that signed Pebble's listener certificate. */
  caFile: string;
  dir: string;
  /** PEM of the root issued certificates chain up to (GET /roots/0 on the management port). */
  rootPem(): Promise<string>;
  log(): string;
  stop(): Promise<void>;
}

export interface PebbleLabOptions {
  /** ACME port; management is port+1, TLS-ALPN port+2. */
  port: number;
  /** Port the VA fetches http-01 tokens from (the hosting lab's nginx). */
  httpPort: number;
  /** `127.0.0.1:<port>` of the DNS server the VA asks (the PowerDNS lab). */
  dnsServer: string;
  /** PEBBLE_WFE_NONCEREJECT percentage; undefined keeps Pebble's default (5 %). */
  nonceReject?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPebbleLab(opts: PebbleLabOptions): Promise<PebbleLab> {
  const bin = ['/usr/bin/pebble', '/usr/sbin/pebble'].find((b) => existsSync(b));
  if (!bin) throw new Error('pebble is not installed (run .ci/services/dns.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'pebble-'));
  const f = (name: string) => join(dir, name);
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '7', '-subj', '/CN=mpanel pebble lab CA']);
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cert.pem', '-days', '7', '-extfile', 'ext.cnf']);
  writeFileSync(f('pebble-config.json'), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${opts.port}`, managementListenAddress: `127.0.0.1:${opts.port + 1}`,
      certificate: f('cert.pem'), privateKey: f('key.pem'), httpPort: opts.httpPort, tlsPort: opts.port + 2,
      ocspResponderURL: '', externalAccountBindingRequired: false,
    },
  }));
  const env: NodeJS.ProcessEnv = { ...process.env, PEBBLE_VA_NOSLEEP: '1' };
  delete env.PEBBLE_WFE_NONCEREJECT;
  delete env.PEBBLE_VA_ALWAYS_VALID;
  if (opts.nonceReject !== undefined) env.PEBBLE_WFE_NONCEREJECT = String(opts.nonceReject);
  const logFile = f('pebble.log');
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(bin, ['-config', f('pebble-config.json'), '-dnsserver', opts.dnsServer], { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  };
  const ca = readFileSync(f('ca.pem'));
  const agent = new Agent({ ca });
  const fetchText = (url: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    get(url, { agent, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).on('timeout', function (this: { destroy(e: Error): void }) { this.destroy(new Error('timeout')); });
  });
  const directoryUrl = `https://127.0.0.1:${opts.port}/dir`;
  const managementUrl = `https://127.0.0.1:${opts.port + 1}`;
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(5000).then(() => child.kill('SIGKILL'))]);
    }
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 20_000;
  for (;;) {
    const ok = await fetchText(directoryUrl).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (exited !== undefined || Date.now() > until) {
      const text = log();
      await stop();
      throw new Error(`pebble did not come up on ${directoryUrl}:\n${text}`);
    }
    await sleep(100);
  }
  return {
    directoryUrl, managementUrl, caFile: f('ca.pem'), dir, log, stop,
    async rootPem() {
      const r = await fetchText(`${managementUrl}/roots/0`);
      if (r.status !== 200) throw new Error(`pebble /roots/0 answered ${r.status}`);
      return r.body;
    },
  };
}
