import { addDays, compareDates, daysBetween, type IsoDate } from './dates.ts';
import { mulDivHalfUp } from './money.ts';

export interface DunningSettings {
  /** Days before the due date to remind, e.g. [7, 3]. */
  reminderDaysBefore: number[];
  /** Days after the due date to send overdue notices, e.g. [1, 3, 7]. */
  reminderDaysAfter: number[];
  lateFee: { type: 'fixed' | 'percent'; value: number; afterDays: number } | null;
  /** null = never. */
  suspendAfterDays: number | null;
  terminateAfterDays: number | null;
}

/** The kind a reminder is recorded under (unique per invoice + kind, so each goes out once). */
export type ReminderKind = `before:${number}` | `overdue:${number}`;

/**
 * The one reminder due for an unpaid invoice on `today`: the latest threshold already reached.
 * A run that missed days catches up with the most recent notice only, not a burst of old ones;
 * the caller skips it when that kind was already sent.
 */
export function reminderDue(dueDate: IsoDate, today: IsoDate, s: DunningSettings): ReminderKind | null {
  const late = daysBetween(dueDate, today);
  if (late >= 0) {
    const reached = s.reminderDaysAfter.filter((d) => d > 0 && late >= d);
    return reached.length ? `overdue:${Math.max(...reached)}` : null;
  }
  const reached = s.reminderDaysBefore.filter((d) => d > 0 && -late <= d);
  return reached.length ? `before:${Math.min(...reached)}` : null;
}

export function isOverdue(dueDate: IsoDate, today: IsoDate): boolean {
  return compareDates(today, dueDate) > 0;
}

export function lateFeeDue(dueDate: IsoDate, today: IsoDate, s: DunningSettings): boolean {
  return s.lateFee !== null && s.lateFee.value > 0 && daysBetween(dueDate, today) >= s.lateFee.afterDays;
}

/** Late fee for an invoice total: fixed minor units, or basis points of the total. */
export function lateFeeAmount(total: number, s: DunningSettings): number {
  if (!s.lateFee) return 0;
  return s.lateFee.type === 'fixed' ? s.lateFee.value : mulDivHalfUp(total, s.lateFee.value, 10_000);
}

export function shouldSuspend(dueDate: IsoDate, today: IsoDate, s: DunningSettings): boolean {
  return s.suspendAfterDays !== null && daysBetween(dueDate, today) >= s.suspendAfterDays;
}

export function shouldTerminate(dueDate: IsoDate, today: IsoDate, s: DunningSettings): boolean {
  return s.terminateAfterDays !== null && daysBetween(dueDate, today) >= s.terminateAfterDays;
}

/** Services due on or before this date get invoiced today (the tenant's lead time). */
export function invoiceHorizon(today: IsoDate, leadDays: number): IsoDate {
  return addDays(today, leadDays);
}
