import type { Knex } from 'knex';

export interface QueueFilters {
  departmentId?: string;
  /** One status or several, comma-separated. */
  status?: string;
  /** `me`, `none` or a user id. */
  assignee?: string;
  sla?: 'ok' | 'warning' | 'breached';
  priority?: string;
  tag?: string;
  clientId?: string;
  search?: string;
}

/**
 * The queue's filters as SQL. SLA states are computed the way `slaState` does, in the database,
 * so a page of 20 is a page of 20: breached when a running deadline passed, warning when the
 * configured share of its time is used.
 */
export function applyQueueFilters(q: Knex.QueryBuilder, f: QueueFilters, who: { staff: boolean; userId: string | null; now: Date; warnPercent: number }): void {
  if (f.departmentId) q.where('department_id', f.departmentId);
  if (f.status) q.whereIn('status', f.status.split(','));
  if (f.priority) q.where('priority', f.priority);
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => {
      w.whereILike('subject', like).orWhereILike('contact_email', like);
      if (/^\d{1,9}$/.test(f.search!)) w.orWhere('number', Number(f.search));
    });
  }
  if (!who.staff) return;
  if (f.assignee === 'me') q.where('assignee_user_id', who.userId);
  else if (f.assignee === 'none') q.whereNull('assignee_user_id');
  else if (f.assignee) q.where('assignee_user_id', f.assignee);
  if (f.tag) q.whereRaw('? = ANY(tags)', [f.tag]);
  if (f.clientId) q.where('client_id', f.clientId);
  if (f.sla) {
    const now = who.now.toISOString();
    const running = `status <> 'closed'`;
    const passed = `((first_responded_at IS NULL AND first_response_due_at <= ?::timestamptz) OR resolution_due_at <= ?::timestamptz)`;
    const warned = `((first_responded_at IS NULL AND first_response_due_at IS NOT NULL AND created_at + (first_response_due_at - created_at) * ? <= ?::timestamptz)
      OR (resolution_due_at IS NOT NULL AND created_at + (resolution_due_at - created_at) * ? <= ?::timestamptz))`;
    const share = who.warnPercent / 100;
    if (f.sla === 'breached') q.whereRaw(`${running} AND ${passed}`, [now, now]);
    else if (f.sla === 'warning') q.whereRaw(`${running} AND NOT ${passed} AND ${warned}`, [now, now, share, now, share, now]);
    else q.whereRaw(`NOT (${running} AND (${passed} OR ${warned}))`, [now, now, share, now, share, now]);
  }
}
