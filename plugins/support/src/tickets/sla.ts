import type { TicketPriority } from './model.ts';

/** Minutes to the first staff answer and to closing, per priority (0 = no target). */
export interface SlaTarget {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}
export type SlaTargets = Record<TicketPriority, SlaTarget>;

export interface SlaClock {
  created_at: Date;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_responded_at: Date | null;
  closed_at: Date | null;
}

const MINUTE = 60_000;

/** The deadlines of a ticket opened at `openedAt` with `priority`. */
export function slaDeadlines(openedAt: Date, priority: TicketPriority, targets: SlaTargets): { firstResponseDueAt: Date | null; resolutionDueAt: Date | null } {
  const target = targets[priority];
  const at = (minutes: number) => (minutes > 0 ? new Date(openedAt.getTime() + minutes * MINUTE) : null);
  return { firstResponseDueAt: at(target?.firstResponseMinutes ?? 0), resolutionDueAt: at(target?.resolutionMinutes ?? 0) };
}

export type SlaState = 'ok' | 'warning' | 'breached';

/**
 * Where a ticket stands at `now`: breached once a running deadline passed, warning once
 * `warnPercent` of a running deadline's time is used. A first response stops its clock, closing
 * stops both.
 */
export function slaState(t: SlaClock, now: Date, warnPercent: number): SlaState {
  if (t.closed_at) return 'ok';
  const running = [t.first_responded_at ? null : t.first_response_due_at, t.resolution_due_at].filter((d): d is Date => d !== null);
  let state: SlaState = 'ok';
  for (const due of running) {
    if (now.getTime() >= new Date(due).getTime()) return 'breached';
    const total = new Date(due).getTime() - new Date(t.created_at).getTime();
    if (total > 0 && now.getTime() - new Date(t.created_at).getTime() >= (total * warnPercent) / 100) state = 'warning';
  }
  return state;
}

/** The next priority up (escalation); `urgent` stays. */
export function escalatedPriority(p: TicketPriority, order: readonly TicketPriority[]): TicketPriority {
  const i = order.indexOf(p);
  return order[Math.min(i + 1, order.length - 1)]!;
}
