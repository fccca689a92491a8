import assert from 'node:assert/strict';
import { limitsFromValues, limitValues, roomFor, usageRows } from '../../ui/src/limits.ts';
import { setupView, pollDelay } from '../../ui/src/progress.ts';
import { compareStates, driftFindings } from '../../ui/src/drift.ts';
import { canCancel, canRetry, duration, operationFilters, stepsSummary } from '../../ui/src/operations.ts';
import { parseKeys } from '../../ui/src/ssh-keys.ts';
import { isCronSchedule } from '../../ui/src/cron.ts';
import { capacity } from '../../ui/src/capacity.ts';
import { factRows } from '../../ui/src/facts.ts';
import { policyFromValues, policyValues } from '../../ui/src/suspension.ts';
import { connectionCheck } from '../../ui/src/agent-status.ts';
import type { OperationStatus } from '../../ui/src/types.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIhnWI5HYdJMInxueUsrDKZQVF0NAPUeVis3VtjVojQx me@laptop';

describe('hosting UI logic', () => {
  describe('plan limits form', () => {
    it('round-trips a plan: empty is unlimited (null), numbers stay numbers, PHP versions a list', () => {
      const limits = { diskMb: 10240, sites: 5, databases: null, cronJobs: 3, memoryMb: 512, phpMaxChildren: 8, phpVersions: ['8.2', '8.3'] };
      const values = limitValues(limits);
      assert.equal(values.databases, '');
      assert.equal(values.phpVersions, '8.2, 8.3');
      const back = limitsFromValues(values);
      assert.deepEqual(back.errors, {});
      assert.deepEqual(back.limits, { ...limits, inodes: null, bandwidthMb: null, mailDomains: null, mailboxes: null, mailboxQuotaMb: null });
    });

    it('a new plan starts with PHP 8.2 and 5 workers, the rest unlimited', () => {
      const values = limitValues(undefined);
      assert.equal(values.phpMaxChildren, '5');
      assert.equal(values.sites, '');
      assert.equal(values.phpVersions, '8.2');
    });

    it('names each bad field: fractions, negatives, words, absurd sizes, a missing worker count, bad PHP versions', () => {
      const { errors } = limitsFromValues({ ...limitValues(undefined), sites: '2.5', databases: '-1', cronJobs: 'lots', diskMb: '99999999999999', phpMaxChildren: '', phpVersions: '8, php8.3' });
      assert.deepEqual(errors, {
        sites: 'hosting.error.wholeNumber', databases: 'hosting.error.wholeNumber', cronJobs: 'hosting.error.wholeNumber', diskMb: 'hosting.error.wholeNumber',
        phpMaxChildren: 'hosting.error.required', phpVersions: 'hosting.error.phpVersion',
      });
      assert.equal(limitsFromValues({ ...limitValues(undefined), phpMaxChildren: '0' }).errors.phpMaxChildren, 'hosting.error.wholeNumber');
      assert.equal(limitsFromValues({ ...limitValues(undefined), phpVersions: ' , ' }).errors.phpVersions, 'hosting.error.required');
    });

    it('de-duplicates PHP versions typed twice', () => {
      assert.deepEqual(limitsFromValues({ ...limitValues(undefined), phpVersions: '8.3 8.2,8.3' }).limits.phpVersions, ['8.3', '8.2']);
    });
  });

  describe('usage against limits', () => {
    it('percent of each limit, unlimited without a bar, over the limit flagged (a downgraded plan)', () => {
      const rows = usageRows({ diskMb: 1000, sites: 2, databases: null, cronJobs: 0 }, { diskMb: 250, sites: 3, databases: 7, cronJobs: 0 });
      assert.deepEqual(rows, [
        { key: 'diskMb', used: 250, limit: 1000, percent: 25, over: false },
        { key: 'sites', used: 3, limit: 2, percent: 100, over: true },
        { key: 'databases', used: 7, limit: null, percent: null, over: false },
        { key: 'cronJobs', used: 0, limit: 0, percent: 0, over: false },
      ]);
    });

    it('offers "add" only while there is room', () => {
      assert.equal(roomFor(2, 1), true);
      assert.equal(roomFor(2, 2), false);
      assert.equal(roomFor(0, 0), false);
      assert.equal(roomFor(null, 999), true);
      assert.equal(roomFor(undefined, 0), true);
    });
  });

  describe('set-up progress', () => {
    it('"step 3 of 6" from the progress route or the account column ({ step, of, label })', () => {
      assert.deepEqual(setupView({ state: 'setting_up', step: 3, of: 6, label: 'Setting up your website', message: 'Setting up your hosting: step 3 of 6' }), { kind: 'running', step: 3, total: 6, current: 'Setting up your website' });
      assert.deepEqual(setupView({ step: 2, of: 5, label: 'Choosing a server' }), { kind: 'running', step: 2, total: 5, current: 'Choosing a server' });
    });

    it('clamps nonsense: step 0 or past the end, a missing total', () => {
      assert.deepEqual(setupView({ step: 0, of: 4 }), { kind: 'running', step: 1, total: 4, current: null });
      assert.deepEqual(setupView({ step: 9, of: 4 }), { kind: 'running', step: 4, total: 4, current: null });
      assert.deepEqual(setupView({ state: 'setting_up' }), { kind: 'running', step: 1, total: 1, current: null });
    });

    it('a failure is neutral: the route\'s client sentence at most, never anything else it carries', () => {
      const raw = { errorMessage: 'AUTH: root password rejected' } as object;
      assert.deepEqual(setupView({ state: 'needs_staff', step: 3, of: 6, message: 'Our staff have been notified.', ...raw }), { kind: 'failed', message: 'Our staff have been notified.' });
      assert.deepEqual(setupView({ step: 2, of: 6, failed: true, message: 'AUTH: root password rejected' }), { kind: 'failed', message: null });
    });

    it('done when the route says ready or there is no set-up left (null)', () => {
      assert.deepEqual(setupView({ state: 'ready', step: 6, of: 6 }), { kind: 'done' });
      assert.deepEqual(setupView(null), { kind: 'done' });
    });

    it('asks less often as time goes on, never less than every 15 s', () => {
      assert.equal(pollDelay(0), 2000);
      assert.ok(pollDelay(5) > pollDelay(1));
      assert.equal(pollDelay(1000), 15_000);
    });
  });

  describe('intent vs observed', () => {
    it('agrees: active/active, suspended/suspended, terminated/missing; not yet observed is no drift', () => {
      for (const [desiredState, observedState] of [['active', 'active'], ['suspended', 'suspended'], ['terminated', 'missing'], ['active', null]] as const) {
        assert.equal(compareStates({ desiredState, observedState, drift: [] }).drift, false, `${desiredState}/${String(observedState)}`);
      }
    });

    it('flags a suspended intent the server does not have, and a reconciler finding even when the states agree', () => {
      const c = compareStates({ desiredState: 'suspended', observedState: 'active', drift: [] });
      assert.deepEqual(c, { intent: 'suspended', observed: 'active', drift: true, findings: [] });
      const f = compareStates({ desiredState: 'active', observedState: 'active', drift: [{ field: 'plan.diskMb', desired: 2048, observed: 1024, note: 'upgrade not applied' }] });
      assert.equal(f.drift, true);
      assert.deepEqual(f.findings, ['plan.diskMb: expected 2048, found 1024 (upgrade not applied)']);
      assert.equal(compareStates({ desiredState: 'active', observedState: 'missing', drift: null }).drift, true);
    });

    it('reads drift reports as a list or an object', () => {
      assert.deepEqual(driftFindings({ status: { expected: 'suspended', found: 'active' } }), ['status: expected suspended, found active']);
      assert.deepEqual(driftFindings(['unknown account mpx1 on the server']), ['unknown account mpx1 on the server']);
      assert.deepEqual(driftFindings({}), []);
      assert.deepEqual(driftFindings('nonsense'), []);
    });
  });

  describe('operations', () => {
    it('retry for what stopped for a person; cancel for anything still open', () => {
      const all: OperationStatus[] = ['queued', 'running', 'succeeded', 'retrying', 'needs_attention', 'cancelled', 'superseded'];
      assert.deepEqual(all.filter((status) => canRetry({ status })), ['needs_attention']);
      assert.deepEqual(all.filter((status) => canCancel({ status })), ['queued', 'running', 'retrying', 'needs_attention']);
    });

    it('filters by state, server (by name) and action', () => {
      const f = operationFilters([{ id: 's1', name: 'web1' }]);
      assert.deepEqual(f.map((x) => x.key), ['status', 'serverId', 'action']);
      assert.deepEqual(f[1]!.options, [{ value: 's1', label: 'web1' }]);
      assert.ok(f[0]!.options!.some((o) => o.value === 'needs_attention'));
    });

    it('summarises a timeline and its time', () => {
      assert.deepEqual(stepsSummary([{ name: 'user', ok: true, ms: 120 }, { name: 'pool', ok: true, ms: 900 }, { name: 'vhost', ok: false }]), { ok: 2, total: 3, ms: 1020 });
      assert.deepEqual(stepsSummary(null), { ok: 0, total: 0, ms: 0 });
      assert.equal(duration(850), '850 ms');
      assert.equal(duration(1234), '1.2 s');
      assert.equal(duration(180_000), '3 min');
    });
  });

  describe('SSH keys', () => {
    it('takes public keys one per line, skipping blanks and comments, once each', () => {
      assert.deepEqual(parseKeys(`${KEY}\n\n# old laptop\n${KEY}\r\n`), { ok: true, keys: [KEY] });
      assert.deepEqual(parseKeys(''), { ok: true, keys: [] });
    });

    it('names the bad line, and refuses a private key outright', () => {
      assert.deepEqual(parseKeys(`${KEY}\nssh-ed25519 not-base64!`), { ok: false, line: 2, reason: 'format' });
      assert.deepEqual(parseKeys('ssh-dss AAAAB3NzaC1kc3MAAACBAP'), { ok: false, line: 1, reason: 'format' });
      assert.deepEqual(parseKeys('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'), { ok: false, line: 1, reason: 'private' });
    });
  });

  describe('cron schedules', () => {
    it('accepts crontab(5) fields and the @ names', () => {
      for (const s of ['*/15 * * * *', '0 3 * * *', '0,30 8-18 * * 1-5', '5 4 1 1 0', '0 0 * * 7', '@daily', ' @hourly ']) assert.ok(isCronSchedule(s), s);
    });

    it('refuses what crontab would reject or misread', () => {
      for (const s of ['', '* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '*/0 * * * *', '5-1 * * * *', '1-2-3 * * * *', '@reboot', 'a b c d e', '* * * * *; rm -rf /']) {
        assert.equal(isCronSchedule(s), false, s);
      }
    });
  });

  it('test connection: the agent\'s last call decides; no agent plugin is "unavailable", not a failure', () => {
    const at = '2026-12-07T08:00:00.000Z';
    assert.deepEqual(connectionCheck({ enrolled: true, status: 'online', lastSeenAt: at }), { ok: true, key: 'hosting.agent.online', lastSeenAt: at });
    assert.deepEqual(connectionCheck({ enrolled: true, status: 'offline', lastSeenAt: at }), { ok: false, key: 'hosting.agent.offline', lastSeenAt: at });
    assert.deepEqual(connectionCheck({ enrolled: false, status: 'enrolling', lastSeenAt: null }), { ok: false, key: 'hosting.agent.notEnrolled', lastSeenAt: null });
    assert.deepEqual(connectionCheck(null), { ok: false, key: 'hosting.agent.unavailable', lastSeenAt: null });
  });

  it('capacity: count against the maximum, full at the maximum, unlimited as a count', () => {
    assert.deepEqual(capacity(12, 100), { text: '12 / 100', percent: 12, full: false });
    assert.deepEqual(capacity(100, 100), { text: '100 / 100', percent: 100, full: true });
    assert.deepEqual(capacity(undefined, null), { text: '0', percent: null, full: false });
    assert.deepEqual(capacity(3, 0), { text: '3 / 0', percent: 100, full: true });
  });

  it('facts: lists joined, nested objects flattened, empty values dropped', () => {
    assert.deepEqual(factRows({ os: 'Debian 12', php: ['8.2', '8.3'], nginx: { version: '1.22.1' }, ips: [], diskFreeMb: 5120, mariadb: null }), [
      { key: 'os', value: 'Debian 12' }, { key: 'php', value: '8.2, 8.3' }, { key: 'nginx.version', value: '1.22.1' }, { key: 'diskFreeMb', value: '5120' },
    ]);
    assert.deepEqual(factRows(null), []);
  });

  it('suspension policy: the API\'s defaults (all off but incoming mail); what is unticked stays on', () => {
    assert.deepEqual(policyValues(null), { 'suspend.web': '503', 'suspend.sftp': true, 'suspend.db': true, 'suspend.cron': true, 'suspend.mailReceive': false });
    assert.deepEqual(policyValues({ web: 'off', sftp: false }), { 'suspend.web': 'off', 'suspend.sftp': false, 'suspend.db': true, 'suspend.cron': true, 'suspend.mailReceive': false });
    assert.deepEqual(policyFromValues({ 'suspend.web': 'off', 'suspend.sftp': false, 'suspend.db': true, 'suspend.cron': true, 'suspend.mailReceive': true }), { web: 'off', sftp: false, db: true, cron: true, mailReceive: true });
    // Anything but "off" is the 503 page: a tampered value never switches a site off by accident.
    assert.equal(policyFromValues({ 'suspend.web': 'nonsense' }).web, '503');
  });
});
