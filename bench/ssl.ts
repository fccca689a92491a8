/**
 * `npm run bench:ssl`: certificates issued per minute against Pebble with real validation — the ssl
 * plugin's ACME core (`issueCertificate`: account, order, challenges, finalize, download) with
 * http-01 tokens served over HTTP and dns-01 TXT values written to a private PowerDNS (the VA
 * resolves through it). Pebble's default 5 % nonce rejections stay on. What the panel adds on top
 * (the job queue, the agent writing the token, nginx reloads on install) is measured by the ssl
 * end-to-end test's timings, not here. Needs pdns_server, sqlite3 and pebble (`.ci/services/dns.sh`).
 *
 *   BENCH_CERTS=20 BENCH_CONCURRENCY=4 BENCH_PORT_BASE=25540 npm run bench:ssl
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Agent } from 'node:https';
import * as acme from 'acme-client';
import { createAccountKey, issueCertificate, type ChallengeSolver, type ChallengeType } from '../plugins/ssl/src/acme.ts';
import { startPowerDnsLab } from '../test/support/powerdns-lab.ts';
import { startPebbleLab } from '../test/support/pebble-lab.ts';

const N = Number(process.env.BENCH_CERTS ?? 20);
const C = Number(process.env.BENCH_CONCURRENCY ?? 4);
const BASE = Number(process.env.BENCH_PORT_BASE ?? 25540);
const ZONE = 'bench.test';

async function main(): Promise<void> {
  const pdns = await startPowerDnsLab({ portBase: BASE });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${pdns.apiUrl}/api/v1/servers/localhost${path}`, { ...init, headers: { 'X-API-Key': pdns.apiKey, 'Content-Type': 'application/json' } });
  const httpPort = BASE + 30;
  const tokens = new Map<string, string>();
  const web = createServer((req, res) => {
    const token = /^\/\.well-known\/acme-challenge\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const value = token ? tokens.get(token) : undefined;
    res.writeHead(value ? 200 : 404, { 'content-type': 'text/plain' }).end(value ?? 'not found');
  });
  await new Promise<void>((r) => web.listen(httpPort, '127.0.0.1', r));
  const pebble = await startPebbleLab({ port: BASE + 20, httpPort, dnsServer: `127.0.0.1:${BASE}` });
  try {
    const zone = await api('/zones', {
      method: 'POST',
      body: JSON.stringify({ name: `${ZONE}.`, kind: 'Native', nameservers: [`ns1.${ZONE}.`], rrsets: [{ name: `*.${ZONE}.`, type: 'A', ttl: 60, records: [{ content: '127.0.0.1', disabled: false }] }] }),
    });
    if (zone.status !== 201) throw new Error(`zone: ${zone.status} ${await zone.text()}`);
    // Pebble's listener certificate is signed by the lab CA: trust it for acme-client's axios.
    acme.axios.defaults.httpsAgent = new Agent({ ca: readFileSync(pebble.caFile) });

    let lock: Promise<void> = Promise.resolve();
    const txt = (name: string, value: string, op: 'add' | 'remove') => {
      const run = lock.then(async () => {
        const rrName = `_acme-challenge.${name}.`;
        const detail = (await (await api(`/zones/${ZONE}.`)).json()) as { rrsets: Array<{ name: string; type: string; records: Array<{ content: string }> }> };
        const current = detail.rrsets.find((r) => r.name === rrName && r.type === 'TXT')?.records.map((r) => r.content) ?? [];
        const next = op === 'add' ? [...new Set([...current, `"${value}"`])] : current.filter((v) => v !== `"${value}"`);
        const rrset = next.length
          ? { name: rrName, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: next.map((content) => ({ content, disabled: false })) }
          : { name: rrName, type: 'TXT', changetype: 'DELETE' };
        const res = await api(`/zones/${ZONE}.`, { method: 'PATCH', body: JSON.stringify({ rrsets: [rrset] }) });
        if (res.status !== 204) throw new Error(`PowerDNS ${res.status}`);
      });
      lock = run.catch(() => undefined);
      return run;
    };
    const solvers: Record<ChallengeType, ChallengeSolver> = {
      'http-01': { create: async ({ token, value }) => { tokens.set(token, value); }, remove: async ({ token }) => { tokens.delete(token); } },
      'dns-01': { create: ({ name, value }) => txt(name, value, 'add'), remove: ({ name, value }) => txt(name, value, 'remove') },
    };
    const account = { directoryUrl: pebble.directoryUrl, accountKeyPem: await createAccountKey(), accountUrl: null as string | null };
    // One account for the run, as a tenant has (registered by the first order).
    const first = await issueCertificate(account, [`warmup.${ZONE}`], 'http-01', solvers['http-01']);
    account.accountUrl = first.accountUrl;

    for (const type of ['http-01', 'dns-01'] as const) {
      const times: number[] = [];
      let failures = 0;
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        while (next < N) {
          const i = next++;
          const names = type === 'dns-01' ? [`d${i}-${process.pid}.${ZONE}`, `*.d${i}-${process.pid}.${ZONE}`] : [`h${i}-${process.pid}.${ZONE}`, `www-h${i}-${process.pid}.${ZONE}`];
          const t = performance.now();
          try {
            await issueCertificate(account, names, type, solvers[type]);
            times.push(performance.now() - t);
          } catch (err) {
            failures++;
            console.error(`${type} ${names[0]}: ${(err as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: C }, worker));
      const total = performance.now() - started;
      times.sort((a, b) => a - b);
      const p = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
      console.log(JSON.stringify({
        challenge: type, certificates: times.length, failures, concurrency: C, totalMs: Math.round(total),
        perMinute: Math.round((times.length / total) * 60_000 * 10) / 10, p50Ms: p(0.5), p95Ms: p(0.95), maxMs: Math.round(times.at(-1) ?? 0),
      }));
    }
  } finally {
    await pebble.stop();
    await pdns.stop();
    web.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
