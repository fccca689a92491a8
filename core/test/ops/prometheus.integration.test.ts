import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { REPO_ROOT } from '../support/cli-process.ts';
import { freePort } from './free-port.ts';

const TOKEN = 'prometheus-scrape-token-0123456789';

/**
 * A private Prometheus (own config, data directory and port; never the machine's own) scrapes a
 * running mPanel's /metrics with the bearer token every second, and the test reads a metric back
 * through Prometheus's HTTP API. Also proves the shipped alert rules load into a real Prometheus.
 */
describe('a real Prometheus scrapes /metrics', function () {
  this.timeout(60_000);
  let server: TestServer;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let log = '';

  before(async function () {
    server = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
    dir = mkdtempSync(join(tmpdir(), 'mpanel-prometheus-'));
    writeFileSync(join(dir, 'token'), TOKEN, { mode: 0o600 });
    writeFileSync(join(dir, 'alerts.yml'), readFileSync(join(REPO_ROOT, 'ops/prometheus/alerts.yml')));
    const target = new URL(server.url);
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'rule_files: [alerts.yml]',
      'scrape_configs:',
      '  - job_name: mpanel',
      '    authorization: { type: Bearer, credentials_file: token }',
      `    static_configs: [{ targets: ['${target.host}'] }]`,
      '',
    ].join('\n'));
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  it('reads mPanel metrics back through /api/v1/query', async () => {
    const port = await freePort();
    prometheus = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    prometheus.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    // Traffic with a route label to find again.
    for (let i = 0; i < 3; i++) assert.equal((await server.request('GET', '/api/health')).status, 200);

    const query = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      return (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    };
    const deadline = Date.now() + 25_000;
    let result: Awaited<ReturnType<typeof query>>['data']['result'] = [];
    while (Date.now() < deadline) {
      try {
        result = (await query('mpanel_http_requests_total{route="/api/health",method="GET",status="200"}')).data.result;
        if (result.length) break;
      } catch {
        // Prometheus not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(result.length, 1, `no sample scraped in time; prometheus log:\n${log.slice(-2000)}`);
    assert.ok(Number(result[0]!.value[1]) >= 3);
    assert.equal(result[0]!.metric.job, 'mpanel');

    const up = (await query('up{job="mpanel"}')).data.result;
    assert.equal(up[0]?.value[1], '1', 'the scrape with the token succeeded');
    const rules = (await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: unknown[] }> } };
    assert.ok(rules.data.groups.reduce((n, g) => n + g.rules.length, 0) >= 10, 'the shipped alert rules loaded');
  });
});
