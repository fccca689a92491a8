import assert from 'node:assert/strict';
import { definePlugin, type MetricCounter, type MetricGauge, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { MAX_SERIES_PER_METRIC } from '../../src/ops/metrics/plugin-metrics.ts';
import { sample } from './prom-text.ts';

const TOKEN = 'plugin-metrics-token-0123456789';

describe("plugins' own metrics (ctx.metrics)", () => {
  let server: TestServer;
  let ctx: PluginContext;
  let made: MetricCounter;
  let expiry: MetricGauge;
  let collects = 0;
  const probe = definePlugin({
    manifest: { id: 'metrics-probe', name: 'Metrics probe', version: '1.0.0', engines: { mpanel: '*' } },
    register(c) {
      ctx = c;
      made = c.metrics.counter({ name: 'things_made_total', help: 'Things made', labelNames: ['kind'] });
      expiry = c.metrics.gauge({
        name: 'certificate_expiry_seconds', help: 'Seconds until a certificate expires', labelNames: ['domain'],
        collect(g) {
          collects += 1;
          g.set({ domain: 'example.com' }, 86_400);
        },
      });
    },
  });
  before(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: TOKEN }, plugins: { definitions: [probe] } });
  });
  after(() => server.close());

  const scrape = async () => (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

  it('exports them prefixed with the plugin id, gauges filled at scrape', async () => {
    made.inc({ kind: 'widget' });
    made.inc({ kind: 'widget' }, 2);
    const text = await scrape();
    assert.equal(sample(text, 'mpanel_metrics_probe_things_made_total', { kind: 'widget' }), 3);
    assert.equal(sample(text, 'mpanel_metrics_probe_certificate_expiry_seconds', { domain: 'example.com' }), 86_400);
    assert.ok(collects >= 1);
    assert.ok(expiry);
  });

  it('returns the same metric when declared again, refuses a clash and bad names', () => {
    const again = ctx.metrics.counter({ name: 'things_made_total', help: 'Things made', labelNames: ['kind'] });
    again.inc({ kind: 'widget' });
    assert.throws(() => ctx.metrics.gauge({ name: 'things_made_total', help: 'x', labelNames: ['kind'] }), /already declared as a counter/);
    assert.throws(() => ctx.metrics.counter({ name: 'Bad-Name', help: 'x' }), /snake_case/);
    assert.throws(() => ctx.metrics.counter({ name: 'ok_name', help: 'x', labelNames: ['Bad label'] }), /snake_case/);
  });

  it('keeps at most a bounded number of label sets per metric and counts what it drops', async () => {
    const ids = ctx.metrics.counter({ name: 'per_id_total', help: 'A label with an id in it (what not to do)', labelNames: ['id'] });
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 50; i++) ids.inc({ id: String(i) });
    ids.inc({ id: '0' }); // a known label set still counts
    const text = await scrape();
    const series = text.split('\n').filter((l) => l.startsWith('mpanel_metrics_probe_per_id_total{'));
    assert.equal(series.length, MAX_SERIES_PER_METRIC);
    assert.equal(sample(text, 'mpanel_metrics_probe_per_id_total', { id: '0' }), 2);
    assert.equal(sample(text, 'mpanel_plugin_metric_series_dropped_total', { plugin: 'metrics-probe' }), 50);
  });
});
