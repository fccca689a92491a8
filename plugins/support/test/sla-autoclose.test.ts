import assert from 'node:assert/strict';
import { startSupportServer, type SupportServer } from './support/server.ts';
import { portalClient, tenantWithDepartment, type PortalClient } from './support/fixtures.ts';
import type { TenantWithAdmin } from '../../../core/src/testing/auth.ts'; // eslint-disable-line no-restricted-imports
import { slaDeadlines, slaState } from '../src/tickets/sla.ts';
import { TICKET_SETTING_DEFAULTS } from '../src/tickets/settings.ts';
import { waitFor } from './support/mail.ts';

const HOUR = 3_600_000;

describe('support SLA timers, escalation and auto-close under a moved clock', function () {
  this.timeout(180_000);
  let s: SupportServer;
  let t: TenantWithAdmin & { departmentId: string };
  let grace: PortalClient;
  const req = (method: string, path: string, token: string, body?: unknown) => s.server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  /** The maintenance pass as of `hoursAhead` from now (what the five-minute job does at that time). */
  const runAt = async (hoursAhead: number) => {
    const res = await req('POST', '/api/v1/support/maintenance', t.token, { now: new Date(Date.now() + hoursAhead * HOUR).toISOString() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { warned: number; breached: number; autoClosed: number };
  };
  const row = (id: string) => s.server.knex('tickets').where({ id }).first();

  before(async () => {
    s = await startSupportServer();
    t = await tenantWithDepartment(s.server);
    grace = await portalClient(s.server, t);
    // high: first answer within 2 h, resolved within 10 h; warning at 50 %; auto-close after 24 h.
    const targets = { ...TICKET_SETTING_DEFAULTS.slaTargets, high: { firstResponseMinutes: 120, resolutionMinutes: 600 } };
    const set = await req('PUT', '/api/v1/plugins/support/settings', t.token, { slaTargets: targets, slaWarnPercent: 50, autoCloseHours: 24 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
  });
  after(async () => { await s?.close(); });

  it('computes deadlines and states (pure)', () => {
    const opened = new Date('2026-12-07T08:00:00Z');
    const due = slaDeadlines(opened, 'high', { ...TICKET_SETTING_DEFAULTS.slaTargets, high: { firstResponseMinutes: 60, resolutionMinutes: 0 } });
    assert.equal(due.firstResponseDueAt?.toISOString(), '2026-12-07T09:00:00.000Z');
    assert.equal(due.resolutionDueAt, null);
    const clock = { created_at: opened, first_response_due_at: due.firstResponseDueAt, resolution_due_at: null, first_responded_at: null, closed_at: null };
    assert.equal(slaState(clock, new Date('2026-12-07T08:40:00Z'), 80), 'ok');
    assert.equal(slaState(clock, new Date('2026-12-07T08:50:00Z'), 80), 'warning');
    assert.equal(slaState(clock, new Date('2026-12-07T09:00:00Z'), 80), 'breached');
    assert.equal(slaState({ ...clock, first_responded_at: new Date('2026-12-07T08:10:00Z') }, new Date('2026-12-07T12:00:00Z'), 80), 'ok');
  });

  it('warns once, then breaches and escalates once; the queue filters by SLA', async () => {
    const res = await req('POST', '/api/v1/tickets', grace.token, { departmentId: t.departmentId, subject: 'Down', body: 'Please help', priority: 'high' });
    const id = res.body.data.id as string;
    assert.equal((await runAt(0.5)).warned, 0);
    const warned = await runAt(1.1);
    assert.equal(warned.warned, 1, JSON.stringify(warned));
    assert.ok((await row(id)).sla_warned_at);
    assert.equal((await runAt(1.2)).warned, 0, 'one warning per ticket');
    const warningQueue = await req('GET', '/api/v1/tickets?sla=warning', t.token);
    assert.equal(warningQueue.body.data.length, 0, 'the queue uses the real clock: nothing is at 50 % yet');
    const breached = await runAt(2.1);
    assert.equal(breached.breached, 1);
    const after = await row(id);
    assert.equal(after.priority, 'urgent', 'escalated one step');
    assert.ok(after.escalated_at);
    assert.equal((await runAt(3)).breached, 0, 'escalated once');
    const notes = await s.server.knex('ticket_messages').where({ ticket_id: id, author_kind: 'system' });
    assert.match(notes[0].body, /SLA breached: escalated from high to urgent/);
    const events = await s.server.knex('outbox_events').whereIn('name', ['ticket.slaWarning', 'ticket.slaBreached']).where({ tenant_id: t.tenant.id }).pluck('name');
    assert.deepEqual(events.sort(), ['ticket.slaBreached', 'ticket.slaWarning']);
  });

  it('a first staff answer stops the first-response clock', async () => {
    const res = await req('POST', '/api/v1/tickets', grace.token, { departmentId: t.departmentId, subject: 'Slow', body: 'slow site', priority: 'high' });
    const id = res.body.data.id as string;
    await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: 'Looking into it' });
    const r = await runAt(3);
    assert.equal((await row(id)).sla_breached_at, null, JSON.stringify(r));
    const queue = await req('GET', '/api/v1/tickets?sla=ok&perPage=100', t.token);
    assert.ok(queue.body.data.some((x: { id: string }) => x.id === id));
  });

  it('auto-closes a ticket answered and left without a client reply for the tenant\'s time, not one the client answered', async () => {
    const quiet = (await req('POST', '/api/v1/tickets', grace.token, { departmentId: t.departmentId, subject: 'Quiet', body: 'q' })).body.data.id as string;
    const talking = (await req('POST', '/api/v1/tickets', grace.token, { departmentId: t.departmentId, subject: 'Talking', body: 't' })).body.data.id as string;
    for (const id of [quiet, talking]) await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: 'Fixed?' });
    await req('POST', `/api/v1/tickets/${talking}/messages`, grace.token, { body: 'Not yet' });
    await runAt(23);
    assert.equal((await row(quiet)).status, 'answered', 'not before 24 h');
    await runAt(24.1);
    assert.equal((await row(quiet)).status, 'closed');
    assert.equal((await row(talking)).status, 'customer_reply');
    // The client may rate the auto-closed ticket.
    assert.equal((await req('POST', `/api/v1/tickets/${quiet}/rating`, grace.token, { rating: 4 })).status, 200);
  });

  it('the scheduled job does the same pass for the tenant (fan-out job as of a moved time)', async () => {
    const id = (await req('POST', '/api/v1/tickets', grace.token, { departmentId: t.departmentId, subject: 'Job', body: 'j' })).body.data.id as string;
    await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: 'Done?' });
    const { jobQueue } = s.server.running.platform.container.cradle;
    // The cron tick (no tenant) fans out one job per tenant with support enabled.
    await jobQueue.enqueue('support', 'tickets.maintenance', { now: new Date(Date.now() + 30 * HOUR).toISOString() }, { tenantId: null });
    await waitFor(async () => ((await row(id)).status === 'closed' ? true : undefined), 30_000);
  });

  it('only admins move the clock', async () => {
    assert.equal((await req('POST', '/api/v1/support/maintenance', grace.token, {})).status, 403);
  });
});
