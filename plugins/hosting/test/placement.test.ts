import assert from 'node:assert/strict';
import { choose, hasRoom, type Candidate } from '../src/placement.ts';

const day = (n: number) => new Date(Date.UTC(2026, 0, n));
function server(id: string, over: Partial<Candidate> = {}): Candidate {
  return { serverId: id, status: 'online', maxAccounts: 100, maxDiskGb: null, createdAt: day(1), accounts: 0, allocatedDiskMb: 0, lastPlacedAt: null, ...over };
}

describe('placement rules', () => {
  it('least_full picks the lowest share of max_accounts, not the first row nor the lowest count', () => {
    const rows = [
      server('a', { accounts: 10, maxAccounts: 20, createdAt: day(1) }), // 50 %
      server('b', { accounts: 30, maxAccounts: 100, createdAt: day(2) }), // 30 %: the answer
      server('c', { accounts: 5, maxAccounts: 10, createdAt: day(3) }), // 50 %, fewest accounts
    ];
    assert.equal(choose('least_full', rows), 'b');
    assert.equal(choose('least_full', [...rows].reverse()), 'b');
  });

  it('fill keeps filling the oldest server with room, whatever order rows arrive in', () => {
    const rows = [
      server('new', { createdAt: day(9), accounts: 0 }),
      server('full', { createdAt: day(1), accounts: 100 }),
      server('old', { createdAt: day(2), accounts: 99 }),
    ];
    assert.equal(choose('fill', rows), 'old');
    rows[2]!.accounts = 100;
    assert.equal(choose('fill', rows), 'new');
  });

  it('round_robin gives the next account to the server served longest ago (never served first)', () => {
    const rows = [
      server('recent', { lastPlacedAt: new Date('2026-01-05T10:00:00Z'), createdAt: day(1) }),
      server('older', { lastPlacedAt: new Date('2026-01-05T09:00:00Z'), createdAt: day(2) }),
      server('never', { lastPlacedAt: null, createdAt: day(3) }),
    ];
    assert.equal(choose('round_robin', rows), 'never');
    assert.equal(choose('round_robin', rows.slice(0, 2)), 'older');
  });

  it('skips draining, offline, maintenance, enrolling and full servers (accounts or disk)', () => {
    for (const status of ['draining', 'offline', 'maintenance', 'enrolling']) assert.equal(hasRoom(server('x', { status }), 0), false, status);
    assert.equal(hasRoom(server('x', { accounts: 100, maxAccounts: 100 }), 0), false);
    assert.equal(hasRoom(server('x', { maxDiskGb: 1, allocatedDiskMb: 1000 }), 25), false);
    assert.equal(hasRoom(server('x', { maxDiskGb: 1, allocatedDiskMb: 1000 }), 24), true);
    const rows = [server('drained', { status: 'draining' }), server('full', { accounts: 100 }), server('off', { status: 'offline' })];
    for (const rule of ['least_full', 'fill', 'round_robin', 'least_load'] as const) assert.equal(choose(rule, rows), null, rule);
    assert.equal(choose('least_full', [...rows, server('ok', { accounts: 99 })]), 'ok');
  });

  it('a server without max_accounts is measured against the widest limit of the group', () => {
    const rows = [server('limited', { accounts: 10, maxAccounts: 100 }), server('unlimited', { accounts: 50, maxAccounts: null })];
    assert.equal(choose('least_full', rows), 'limited');
    assert.equal(choose('least_full', [server('u1', { accounts: 7, maxAccounts: null }), server('u2', { accounts: 3, maxAccounts: null })]), 'u2');
  });

  it('ties go to the oldest server, then the lower id', () => {
    const rows = [server('b', { createdAt: day(1) }), server('a', { createdAt: day(1) }), server('c', { createdAt: day(0) })];
    assert.equal(choose('least_full', rows), 'c');
    assert.equal(choose('least_full', rows.slice(0, 2)), 'a');
  });
});
