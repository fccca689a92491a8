import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { RetentionRegistry, RetentionRegistryError } from '../../src/retention/registry.ts';
import { RetentionPeriods } from '../../src/retention/periods.ts';
import { CORE_TARGETS } from '../../src/retention/core-targets.ts';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

describe('retention configuration (RETENTION_*)', () => {
  it('has defaults: every 10 minutes, batches of 2000, a 20 s budget, no archive', () => {
    const { retention } = load({});
    assert.deepEqual(retention, { cron: '*/10 * * * *', batchSize: 2000, budgetMs: 20_000, auditArchiveDir: null, days: {}, minDays: {}, maxDays: {} });
    assert.equal(load({ RETENTION_CRON: 'off' }).retention.cron, null);
  });

  const bad: Array<[string, string]> = [
    ['RETENTION_DAYS_AUDIT_LOGS', '0'], ['RETENTION_DAYS_AUDIT_LOGS', '-1'], ['RETENTION_DAYS_AUDIT_LOGS', '1e9'], ['RETENTION_DAYS_AUDIT_LOGS', 'forever'],
    ['RETENTION_MAX_DAYS_SESSIONS', '36501'], ['RETENTION_BATCH_SIZE', '0'], ['RETENTION_BATCH_SIZE', '1000000'], ['RETENTION_BUDGET_MS', '1.5'],
    ['RETENTION_CRON', 'every day'], ['RETENTION_DAY_AUDIT_LOGS', '30'],
  ];
  for (const [variable, value] of bad) {
    it(`refuses ${variable}=${value} with one line naming it`, () => {
      assert.throws(() => load({ [variable]: value }), (err: Error) => err instanceof ConfigError && err.message.startsWith(`Invalid configuration: ${variable} `) && !err.message.includes('\n'));
    });
  }

  it('applies periods and bounds by target name, and names the variables that match no target', () => {
    const { retention } = load({ RETENTION_DAYS_OUTBOX_EVENTS: '3', RETENTION_MIN_DAYS_AUDIT_LOGS: '400', RETENTION_DAYS_NOPE: '5' });
    const registry = new RetentionRegistry();
    for (const t of CORE_TARGETS) registry.add(t);
    const periods = new RetentionPeriods(retention, registry);
    assert.equal(periods.of(registry.get('outbox_events')!).days, 3);
    assert.deepEqual(periods.of(registry.get('audit_logs')!), { days: 365, tenantSettable: true, minDays: 400, maxDays: 3650 });
    assert.deepEqual(periods.unknownKeys(), ['NOPE']);
  });

  it('a registry refuses bad names, identifiers and days, and a second owner of a table', () => {
    const registry = new RetentionRegistry();
    for (const t of CORE_TARGETS) registry.add(t);
    const base = { name: 'log', table: 'my_log', ageColumn: 'created_at', defaultDays: 10 };
    for (const bad of [
      { ...base, name: 'Bad Name' }, { ...base, name: 'a.b' }, { ...base, table: 'my_log; drop table users' }, { ...base, ageColumn: 'created-at' },
      { ...base, defaultDays: 0 }, { ...base, defaultDays: 1.5 }, { ...base, defaultDays: 5, minDays: 7 }, { ...base, finishedWhen: { column: 'status', in: [] } },
      { ...base, children: [{ table: 'x', column: 'id) or (true' }] }, { ...base, table: 'sessions' },
    ]) {
      assert.throws(() => registry.addForPlugin('plug', bad), RetentionRegistryError, JSON.stringify(bad));
    }
    registry.addForPlugin('plug', base);
    assert.throws(() => registry.addForPlugin('other', { ...base, name: 'mine' }), /already a retention target of "plug"/);
    registry.removeOwner('plug');
    registry.addForPlugin('other', { ...base, name: 'mine' });
  });
});
