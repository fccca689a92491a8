import assert from 'node:assert/strict';
import { HOUR_MS, alertDue, alertFrom, backoffMs, healthOf, renewAt, unitHash } from '../src/schedule.ts';

const DAY = 86_400_000;
const t0 = new Date('2027-01-01T00:00:00Z');
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describe('ssl renewal schedule', () => {
  it('renews when a third of the lifetime is left, jitter only earlier and at most a day (90-day and 45-day certificates)', () => {
    for (const days of [90, 45, 6]) {
      const nb = t0;
      const na = plus(t0, days * DAY);
      const twoThirds = t0.getTime() + (2 * days * DAY) / 3;
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const at = renewAt(nb, na, `cert-${i}`).getTime();
        assert.ok(at <= twoThirds, `${days}d: never after the ⅔ point`);
        assert.ok(at >= twoThirds - Math.min((days * DAY) / 30, DAY), `${days}d: jitter at most min(lifetime/30, 24 h)`);
        seen.add(at);
      }
      assert.ok(seen.size > 150, 'jitter spreads certificates issued together');
    }
    assert.equal(renewAt(t0, plus(t0, 90 * DAY), 'same').getTime(), renewAt(t0, plus(t0, 90 * DAY), 'same').getTime(), 'a certificate keeps its jitter');
    // 45 days: renewal at day 30 minus < 1 day, alert from day 37.5: the renewal has a week of retries before anyone is alerted.
    const r45 = renewAt(t0, plus(t0, 45 * DAY), 'x').getTime();
    assert.ok(alertFrom(t0, plus(t0, 45 * DAY)).getTime() - r45 >= 7 * DAY);
  });

  it('backs off 1 h, 2 h, 4 h … and never more than 24 h, even for absurd counts', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n) / HOUR_MS), [1, 2, 4, 8, 16, 24]);
    for (const n of [7, 50, 1e9, Number.MAX_SAFE_INTEGER]) assert.equal(backoffMs(n), 24 * HOUR_MS);
    for (const n of [0, -3, Number.NaN]) assert.equal(backoffMs(n), HOUR_MS);
  });

  it('alerts once per lifetime when less than a sixth is left', () => {
    const row = { status: 'active', not_before: t0, not_after: plus(t0, 90 * DAY), failure_count: 2, alerted_for: null as Date | null };
    assert.equal(alertDue(row, plus(t0, 74 * DAY)), false, '16 days left of 90: more than a sixth');
    assert.equal(alertDue(row, plus(t0, 75 * DAY + 1)), true, 'just under 15 days left');
    assert.equal(alertDue({ ...row, alerted_for: row.not_after }, plus(t0, 80 * DAY)), false, 'already alerted for this lifetime');
    assert.equal(alertDue({ ...row, alerted_for: plus(t0, -10 * DAY) }, plus(t0, 80 * DAY)), true, 'an alert of the previous lifetime does not count');
    assert.equal(alertDue({ ...row, not_before: null, not_after: null }, plus(t0, 80 * DAY)), false, 'nothing issued, nothing expiring');
  });

  it('says the health in one word: ok, renewal_failing, expiring, expired, failing, pending', () => {
    const base = { status: 'active', not_before: t0, not_after: plus(t0, 90 * DAY), failure_count: 0 };
    assert.equal(healthOf(base, plus(t0, 10 * DAY)), 'ok');
    assert.equal(healthOf({ ...base, failure_count: 1 }, plus(t0, 61 * DAY)), 'renewal_failing');
    assert.equal(healthOf({ ...base, failure_count: 1 }, plus(t0, 80 * DAY)), 'expiring');
    assert.equal(healthOf(base, plus(t0, 90 * DAY)), 'expired');
    assert.equal(healthOf({ status: 'failed', not_before: null, not_after: null, failure_count: 1 }, t0), 'failing');
    assert.equal(healthOf({ status: 'pending', not_before: null, not_after: null, failure_count: 0 }, t0), 'pending');
    assert.equal(healthOf({ ...base, not_before: t0.toISOString(), not_after: plus(t0, 90 * DAY).toISOString() } as never, plus(t0, 89 * DAY)), 'expiring', 'dates as strings (raw rows)');
  });

  it('hashes ids to a stable 0..1', () => {
    for (const s of ['', 'a', '00000000-0000-4000-8000-000000000000']) {
      const v = unitHash(s);
      assert.ok(v >= 0 && v <= 1);
      assert.equal(v, unitHash(s));
    }
  });
});
