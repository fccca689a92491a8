import assert from 'node:assert/strict';
import { mailboxUsageRows } from '../../ui/src/mail-usage.ts';

/** The portal's mailbox usage bars (components/MailboxUsage.vue) from `GET …/mail-usage`. */
describe('hosting portal: mailbox usage bars', () => {
  const box = (usageMb: number | null, quotaMb: number) => ({ mailboxId: 'm', address: 'info@shop.test', quotaMb, observed: usageMb !== null, usageMb, usageBytes: usageMb === null ? null : usageMb * 1048576 });

  it('shows the share of the quota in use, rounded, and marks a mailbox at 90 % or more', () => {
    const { rows } = mailboxUsageRows({ mailboxes: [box(12.34, 50), box(45, 50), box(0, 1024)], note: null });
    assert.deepEqual(rows.map((r) => [r.usedMb, r.percent, r.over]), [[12.3, 25, false], [45, 90, true], [0, 0, false]]);
  });

  it('caps the bar at 100 for a mailbox over its quota (a lowered quota) and keeps it marked', () => {
    const [r] = mailboxUsageRows({ mailboxes: [box(80, 50)], note: null }).rows;
    assert.deepEqual([r!.usedMb, r!.percent, r!.over], [80, 100, true]);
  });

  it('draws no bar for a mailbox the server did not measure, and passes the note on', () => {
    const u = mailboxUsageRows({ mailboxes: [box(null, 50)], note: 'Not asked: the account has no server yet' });
    assert.deepEqual([u.rows[0]!.usedMb, u.rows[0]!.percent, u.rows[0]!.over, u.note], [null, null, false, 'Not asked: the account has no server yet']);
  });
});
