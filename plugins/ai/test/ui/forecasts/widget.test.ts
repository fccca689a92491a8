import { useDom, mountWithApp, flushPromises } from '../../../../../admin-ui/test/support/mount.ts';
import { useFetch, json } from '../../../../../admin-ui/test/support/fetch.ts';
import assert from 'node:assert/strict';
import { i18n } from '../../../../../admin-ui/src/shared/i18n.ts';
import { en } from '../../../ui/src/forecasts/messages.ts';
import ForecastsWidget from '../../../ui/src/forecasts/ForecastsWidget.vue';

const basedOn = { method: 'holt-winters-additive', dataPoints: 30, period: { from: '2024-06-01', to: '2026-11-30' }, confidence: 0.95, source: 'billing payments' };

describe('forecasts dashboard panel', () => {
  useDom();
  const server = useFetch();
  before(() => i18n.global.mergeLocaleMessage('en', en));

  it('shows each forecast with its interval and what it is based on', async () => {
    server.answer((call) => {
      if (call.url.pathname.endsWith('/forecasts/revenue')) {
        return json({ data: { series: [{ metric: 'revenue', currency: 'USD', history: [], basedOn, forecast: [{ month: '2026-12', value: 123_400, lower: 100_000, upper: 150_000 }] }] } });
      }
      if (call.url.pathname.endsWith('/forecasts/churn')) {
        return json({
          data: [{ clientId: 'c1', name: 'Risky Ltd', probability: 0.82, level: 'high', factors: [{ factor: 'overdueInvoices', value: 3, contribution: 2.7 }] }],
          meta: { total: 1, page: 1, perPage: 5, basedOn: { method: 'logistic-regression', dataPoints: 40, churnedClients: 9 } },
        });
      }
      return json({ data: { servers: [{ serverId: 's1', name: 'web1', accounts: 4, maxAccounts: 10, daysUntilAccountsFull: 12, daysUntilDiskFull: null }] } });
    });
    const wrapper = await mountWithApp(ForecastsWidget);
    for (let i = 0; i < 5; i++) await flushPromises();
    const text = wrapper.text();
    assert.match(text, /2026-12: \$1,234\.00/);
    assert.match(text, /\$1,000\.00 – \$1,500\.00/);
    assert.match(text, /Based on: holt-winters-additive, 30 data points, 2024-06-01 to 2026-11-30/);
    assert.match(text, /Risky Ltd\s*82%/);
    assert.match(text, /overdueInvoices 3/);
    assert.match(text, /logistic-regression, 40 clients \(9 who left\)/);
    assert.match(text, /web1 4\/10/);
    assert.match(text, /accounts full in 12 days · disk full in not at this pace/);
    assert.deepEqual(server.calls.map((c) => c.url.pathname + c.url.search).sort(), ['/api/v1/forecasts/capacity', '/api/v1/forecasts/churn?perPage=5', '/api/v1/forecasts/revenue?horizon=3']);
  });
});
