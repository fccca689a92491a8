import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { REPO_ROOT } from '../support/cli-process.ts';

const TOKEN = 'ops-files-token-0123456789abcdef';
/** Metrics the shipped files use that come from plugins not in this repository yet. */
const FROM_FUTURE_PLUGINS = new Set(['mpanel_ssl_certificate_expiry_seconds']);
const HISTOGRAM_PARTS = /_(bucket|count|sum)$/;

const metricNames = (text: string) => new Set([...text.matchAll(/\bmpanel_[a-z0-9_]+/g)].map(([m]) => m));

/**
 * The dashboard and the alert rules name only metrics a running mPanel exports (promtool checks
 * the rules' syntax in CI; this checks they are about something that exists).
 */
describe('ops/: the Grafana dashboard and the alert rules', () => {
  let server: TestServer;
  let exported: Set<string>;
  before(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name!));
  });
  after(() => server.close());

  const known = (name: string) => exported.has(name) || exported.has(name.replace(HISTOGRAM_PARTS, '')) || FROM_FUTURE_PLUGINS.has(name);

  it('the dashboard is valid Grafana JSON whose every query uses exported metrics', () => {
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'ops/grafana/mpanel.json'), 'utf8')) as {
      uid: string; title: string; panels: Array<{ type: string; title: string; gridPos: object; targets?: Array<{ expr: string }> }>;
    };
    assert.ok(dashboard.uid && dashboard.title);
    const queries = dashboard.panels.flatMap((p) => p.targets ?? []);
    assert.ok(queries.length >= 20);
    for (const p of dashboard.panels) assert.ok(p.gridPos && p.title, 'every panel has a title and a position');
    const unknown = [...metricNames(queries.map((q) => q.expr).join('\n'))].filter((n) => !known(n));
    assert.deepEqual(unknown, []);
  });

  it('the alert rules use exported metrics', () => {
    const rules = readFileSync(join(REPO_ROOT, 'ops/prometheus/alerts.yml'), 'utf8');
    const exprs = [...rules.matchAll(/expr: (\|\n(?:\s{10,}.*\n)+|.*)/g)].map(([, e]) => e!).join('\n');
    assert.ok(exprs.includes('mpanel_queue_oldest_job_age_seconds'));
    const unknown = [...metricNames(exprs)].filter((n) => !known(n));
    assert.deepEqual(unknown, []);
  });
});
