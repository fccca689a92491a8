/**
 * `npm run bench:dns`: record-set changes per second published to a private PowerDNS (the lab of
 * test/support/powerdns-lab.ts, gsqlite3 backend) through the `powerdns` DnsProvider, against the
 * same PATCH requests sent to PowerDNS's API directly, in the same run on the same server. What
 * the provider adds (settings, validation, TXT quoting, error mapping) is the difference. Needs
 * pdns-server + pdns-backend-sqlite3 (`.ci/services/dns.sh`).
 *
 * The third case is the whole path: record changes sent to mPanel's HTTP API (`PATCH
 * /api/v1/dns/zones/:id/records/:id`, the real platform with billing, dns and dns-powerdns on
 * PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and published to
 * the same PowerDNS by the dns plugin's workflow, timed until every change is published and dig
 * answers the last values. `burst`: the changes are sent as fast as the API takes them (the
 * workflow publishes a zone's queued changes together); `each`: one change at a time, each waited
 * for until published (BENCH_EACH changes, default 40): the latency of one change end to end.
 *
 *   BENCH_CHANGES=400 BENCH_CONCURRENCY=4 BENCH_ROUNDS=3 BENCH_PORT_BASE=25300 npm run bench:dns
 *
 * Each change is one record set (`r<i>.<zone> A`, or a TXT with two values every third change)
 * replaced with new content; concurrent workers each write their own zone (one zone's changes are
 * serialised by the dns plugin anyway). Rounds alternate direct and provider; the best of each is
 * kept (a shared machine only ever slows a run down). At the end every zone is checked with dig.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DnsRecordSet, ExtensionCallContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../core/src/testing/test-server.ts';
import { createTenantWithAdmin } from '../core/src/testing/auth.ts';
import { TRANSIENT_TRIES, createPowerDnsProvider, txtContent, type PowerDnsSettings } from '../plugins/dns-powerdns/src/provider.ts';
import { dig, startPowerDnsLab, type PowerDnsLab } from '../test/support/powerdns-lab.ts';

/** `cpuUsPerChange`: this (client) process's CPU per change: what the provider adds, without the server's noise. */
interface Run { changes: number; failed: number; ms: number; perSecond: number; cpuUsPerChange: number }

const change = (zone: string, i: number, round: number): DnsRecordSet =>
  i % 3 === 2
    ? { name: `t${i}.${zone}`, type: 'TXT', ttl: 60, values: [`round-${round}-a`, `round-${round}-b`] }
    : { name: `r${i}.${zone}`, type: 'A', ttl: 60, values: [`192.0.2.${(round * 7 + i) % 250 + 1}`] };

/** Changes that still failed after the retries are counted apart, not in changes/s. */
async function timed(workers: number, perWorker: number, work: (worker: number, i: number) => Promise<void>): Promise<Run> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let failed = 0;
  let firstError = '';
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; i < perWorker; i++) {
      try {
        await work(w, i);
      } catch (err) {
        failed++;
        firstError ||= (err as Error).message;
      }
    }
  }));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const changes = workers * perWorker - failed;
  if (changes === 0) throw new Error(`every change failed: ${firstError}`);
  return { changes, failed, ms: Math.round(ms), perSecond: Math.round((changes / ms) * 1000 * 10) / 10, cpuUsPerChange: Math.round((used.user + used.system) / (workers * perWorker)) };
}

export async function benchDns(lab: PowerDnsLab, opts: { changes: number; concurrency: number; rounds: number }) {
  const provider = createPowerDnsProvider();
  const ctx: ExtensionCallContext<PowerDnsSettings> = { tenantId: 'bench', settings: { apiUrl: lab.apiUrl, apiKey: lab.apiKey, nameservers: ['ns1.lab.test.'], timeoutSeconds: 30 } };
  const zones = Array.from({ length: opts.concurrency }, (_, w) => `bench${w}.test.`);
  for (const z of zones) await provider.createZone(ctx, z);
  const perWorker = Math.ceil(opts.changes / opts.concurrency);
  const base = `${lab.apiUrl}/api/v1/servers/localhost`;
  let directRetries = 0;

  const direct = async (round: number) =>
    timed(opts.concurrency, perWorker, async (w, i) => {
      const rs = change(zones[w]!, i, round);
      const records = rs.values.map((v) => ({ content: rs.type === 'TXT' ? txtContent(v) : v, disabled: false }));
      // The same retry of a 500 as the provider's (SQLite answers concurrent writes "database is locked").
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${base}/zones/${encodeURIComponent(zones[w]!)}`, {
          method: 'PATCH',
          headers: { 'X-API-Key': lab.apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ rrsets: [{ name: rs.name, type: rs.type, ttl: rs.ttl, changetype: 'REPLACE', records }] }),
        });
        await res.text();
        if (res.status === 204) break;
        if (res.status !== 500 || attempt >= TRANSIENT_TRIES) throw new Error(`direct PATCH answered ${res.status}`);
        directRetries++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(500, 20 * 2 ** attempt) * (0.5 + Math.random())));
      }
    });
  const viaProvider = async (round: number) => timed(opts.concurrency, perWorker, (w, i) => provider.upsertRecordSet(ctx, zones[w]!, change(zones[w]!, i, round)));

  const best = { direct: null as Run | null, provider: null as Run | null };
  const cpu = { direct: [] as number[], provider: [] as number[] };
  let round = 0;
  for (let r = 0; r < opts.rounds; r++) {
    for (const side of r % 2 === 0 ? (['direct', 'provider'] as const) : (['provider', 'direct'] as const)) {
      round++;
      const run = side === 'direct' ? await direct(round) : await viaProvider(round);
      console.log(`round ${r + 1} ${side.padEnd(8)} ${run.changes} changes in ${run.ms} ms → ${run.perSecond}/s, client CPU ${run.cpuUsPerChange} µs/change${run.failed ? ` (${run.failed} failed after retries)` : ''}`);
      if (!best[side] || run.perSecond > best[side]!.perSecond) best[side] = run;
      cpu[side].push(run.cpuUsPerChange);
    }
  }
  // What the last round wrote is what PowerDNS answers.
  const last = change(zones[0]!, 0, round);
  const answered = dig(lab, last.name, last.type).values;
  if (JSON.stringify(answered) !== JSON.stringify(last.values)) throw new Error(`dig ${last.name} answered ${JSON.stringify(answered)}, expected ${JSON.stringify(last.values)}`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { direct: best.direct!, provider: best.provider!, directRetries, cpuDirect: median(cpu.direct), cpuProvider: median(cpu.provider), ratio: Math.round((best.provider!.perSecond / best.direct!.perSecond) * 100) / 100 };
}

/** The dns plugin + dns-powerdns on the real platform, on PostgreSQL, publishing to `lab`. */
async function startPanel(lab: PowerDnsLab): Promise<{ server: TestServer; token: string; close(): Promise<void> }> {
  process.env.TEST_DATABASE_URL ||= process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-bench-dns-'));
  for (const name of ['billing', 'dns', 'dns-powerdns']) symlinkSync(fileURLToPath(new URL(`../plugins/${name}`, import.meta.url)), join(dir, name));
  const server = await startTestServer({ env: { LOG_LEVEL: 'warn', MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, plugins: { directories: [dir] } });
  const t = await createTenantWithAdmin(server, { slug: `bench-dns-${Date.now().toString(36)}` });
  const put = await server.request('PUT', '/api/v1/plugins/dns-powerdns/settings', { token: t.token, body: { apiUrl: lab.apiUrl, apiKey: lab.apiKey, nameservers: ['ns1.lab.test.'], timeoutSeconds: 30 } });
  if (put.status !== 200) throw new Error(`settings: ${put.status} ${JSON.stringify(put.body)}`);
  return { server, token: t.token, close: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); } };
}

interface ApiRun { mode: 'burst' | 'each'; changes: number; acceptMs: number; publishedMs: number; perSecond: number; acceptedPerSecond: number }

/**
 * Record changes through mPanel's API until published. Each worker edits record sets of its own
 * zone; the zones and sets are created (and published) first, untimed.
 */
export async function benchApi(panel: { server: TestServer; token: string }, lab: PowerDnsLab, opts: { changes: number; concurrency: number; mode: 'burst' | 'each'; tag: string }): Promise<ApiRun> {
  const { server, token } = panel;
  const call = async (method: string, path: string, body?: unknown, status = 200) => {
    const res = await server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const sets = 20; // record sets per zone, edited in turn
  const perWorker = Math.ceil(opts.changes / opts.concurrency);
  const zones: Array<{ id: string; name: string; records: Array<{ id: string; name: string }> }> = [];
  for (let w = 0; w < opts.concurrency; w++) {
    const name = `api-${opts.tag}-${w}.test`;
    const zone = await call('POST', '/api/v1/dns/zones', { name }, 201);
    const records = [];
    for (let i = 0; i < sets; i++) records.push(await call('POST', `/api/v1/dns/zones/${zone.id}/records`, { name: `r${i}`, type: 'A', ttl: 60, values: ['192.0.2.1'] }, 201));
    zones.push({ id: zone.id, name, records });
  }
  const allPublished = async () => {
    for (;;) {
      const states = await Promise.all(zones.map(async (z) => (await call('GET', `/api/v1/dns/zones/${z.id}`)).publication));
      const failed = states.find((p) => p.state === 'failed');
      if (failed) throw new Error(`publication failed: ${failed.error}`);
      if (states.every((p) => p.state === 'published')) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await allPublished();
  const value = (i: number) => `198.51.100.${(i % 250) + 1}`;
  const started = performance.now();
  let acceptMs = 0;
  await Promise.all(zones.map(async (z) => {
    for (let i = 0; i < perWorker; i++) {
      const rec = z.records[i % sets]!;
      await call('PATCH', `/api/v1/dns/zones/${z.id}/records/${rec.id}`, { values: [value(i)] });
      if (opts.mode === 'each') {
        for (;;) {
          const p = (await call('GET', `/api/v1/dns/zones/${z.id}`)).publication;
          if (p.state === 'published') break;
          if (p.state === 'failed') throw new Error(`publication failed: ${p.error}`);
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    }
  }));
  acceptMs = performance.now() - started;
  await allPublished();
  const publishedMs = performance.now() - started;
  // The last value of each set is what PowerDNS answers.
  for (const z of zones) {
    for (let k = 0; k < Math.min(sets, perWorker); k++) {
      const last = perWorker - 1 - ((perWorker - 1 - k) % sets);
      const rec = z.records[k]!;
      const got = dig(lab, `${rec.name}`, 'A').values;
      if (JSON.stringify(got) !== JSON.stringify([value(last)])) throw new Error(`dig ${rec.name} answered ${JSON.stringify(got)}, expected ${value(last)}`);
    }
  }
  const changes = perWorker * opts.concurrency;
  return { mode: opts.mode, changes, acceptMs: Math.round(acceptMs), publishedMs: Math.round(publishedMs), perSecond: Math.round((changes / publishedMs) * 1000 * 10) / 10, acceptedPerSecond: Math.round((changes / acceptMs) * 1000 * 10) / 10 };
}

async function main(): Promise<void> {
  const changes = Number(process.env.BENCH_CHANGES ?? 400);
  const concurrency = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 4));
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  const each = Number(process.env.BENCH_EACH ?? 40);
  const lab = await startPowerDnsLab({ portBase: Number(process.env.BENCH_PORT_BASE ?? 25300) });
  let panel: Awaited<ReturnType<typeof startPanel>> | null = null;
  try {
    panel = await startPanel(lab);
    let tag = 0;
    for (const c of [1, concurrency]) {
      console.log(`\n== ${changes} record-set changes, ${c} in flight ==`);
      const r = await benchDns(lab, { changes, concurrency: c, rounds });
      console.log(`| ${c} in flight | direct ${r.direct.perSecond}/s | provider ${r.provider.perSecond}/s | ratio provider/direct ${r.ratio} | client CPU µs/change direct ${r.cpuDirect}, provider ${r.cpuProvider} | direct 500s retried: ${r.directRetries} |`);
      for (const [mode, n] of [['burst', changes], ['each', each]] as const) {
        const api = await benchApi(panel, lab, { changes: n, concurrency: c, mode, tag: `${++tag}` });
        console.log(`| ${c} in flight | mPanel API ${mode} | ${api.changes} changes published in ${api.publishedMs} ms → ${api.perSecond}/s (API accepted them at ${api.acceptedPerSecond}/s) | ratio API/direct ${Math.round((api.perSecond / r.direct.perSecond) * 100) / 100} |`);
      }
    }
    console.log(`load average: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await panel?.close();
    await lab.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
