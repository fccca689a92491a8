import type { RetentionTarget } from './target.ts';

/**
 * Core's own operational rows and records. Order matters: children before their parents, so an
 * outbox event goes only once none of its deliveries is still pending.
 */
export const CORE_TARGETS: RetentionTarget[] = [
  {
    owner: 'core', name: 'event_deliveries', table: 'event_deliveries', ageColumn: 'created_at', defaultDays: 30,
    finishedWhen: { column: 'status', in: ['delivered', 'dead', 'skipped'] },
    description: 'Deliveries of events to subscribers, once delivered, dead-lettered or skipped',
  },
  {
    owner: 'core', name: 'webhook_deliveries', table: 'webhook_deliveries', ageColumn: 'created_at', defaultDays: 30,
    finishedWhen: { column: 'status', in: ['succeeded', 'failed'] },
    description: 'Outgoing webhook deliveries and their responses, once succeeded or failed for good',
  },
  {
    owner: 'core', name: 'outbox_events', table: 'outbox_events', ageColumn: 'created_at', defaultDays: 30,
    // Dispatched, and no delivery of it (to a subscriber or a webhook) is still being tried; the
    // finished ones go with it (ON DELETE CASCADE).
    finishedSql: `t.dispatched_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = t.id AND d.status = 'pending')
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.event_id = t.id AND w.status = 'pending')`,
    description: 'Events of the outbox, once dispatched and every delivery of them finished',
  },
  {
    owner: 'core', name: 'jobs', table: 'jobs', ageColumn: 'finished_at', defaultDays: 30,
    finishedWhen: { column: 'status', in: ['completed', 'failed'] },
    description: 'Background jobs of the database queue, once completed or failed',
  },
  {
    // Built by the workflows runtime; skipped while the table does not exist. Steps cascade.
    owner: 'core', name: 'workflow_runs', table: 'workflow_runs', ageColumn: 'finished_at', defaultDays: 30,
    description: 'Finished workflow runs and their steps',
  },
  {
    // Expired refresh tokens are of no use to anybody (a reused one is refused as expired anyway).
    owner: 'core', name: 'refresh_tokens', table: 'refresh_tokens', ageColumn: 'expires_at', defaultDays: 7,
    description: 'Refresh tokens, counted from their expiry',
  },
  {
    // A login (who, when, from which address) is kept while it may still be in use: revoked, or
    // no refresh token of it still valid. Its refresh tokens go with it (ON DELETE CASCADE).
    owner: 'core', name: 'sessions', table: 'sessions', ageColumn: 'created_at', defaultDays: 90,
    finishedSql: `(t.revoked_at IS NOT NULL
      OR NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = t.id AND r.expires_at > now()))`,
    tenantSettable: true, minDays: 7, maxDays: 3650,
    description: 'Login records (sessions: user, time, address, browser), counted from the login',
  },
  {
    owner: 'core', name: 'audit_logs', table: 'audit_logs', ageColumn: 'created_at', defaultDays: 365,
    tenantSettable: true, minDays: 30, maxDays: 3650,
    description: 'The audit log (export it with GET /api/v1/audit-logs/export)',
  },
];
