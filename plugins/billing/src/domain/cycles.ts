import { addMonthsAnchored, daysBetween, parseIsoDate, type IsoDate } from './dates.ts';

export const BILLING_CYCLES = ['onetime', 'monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];
export type RecurringCycle = Exclude<BillingCycle, 'onetime'>;

export const CYCLE_MONTHS: Record<RecurringCycle, number> = {
  monthly: 1,
  quarterly: 3,
  semiannually: 6,
  annually: 12,
  biennially: 24,
  triennially: 36,
};

export function isBillingCycle(value: string): value is BillingCycle {
  return (BILLING_CYCLES as readonly string[]).includes(value);
}

export function isRecurring(cycle: BillingCycle): cycle is RecurringCycle {
  return cycle !== 'onetime';
}

/** The anchor of a service: the day of month of its first due date (kept in `services.anchor_day`). */
export function anchorDayOf(firstDueDate: IsoDate): number {
  return parseIsoDate(firstDueDate).day;
}

/** The due date after `dueDate` for a cycle, keeping the anchor (Jan 31 → Feb 28 → Mar 31). */
export function nextDueDate(dueDate: IsoDate, cycle: RecurringCycle, anchorDay: number): IsoDate {
  return addMonthsAnchored(dueDate, CYCLE_MONTHS[cycle], anchorDay);
}

/** The period an invoice due on `dueDate` pays for: [start, end) with end = the next due date. */
export interface BillingPeriod {
  start: IsoDate;
  /** Exclusive: the next due date. */
  end: IsoDate;
}

export function periodStartingAt(dueDate: IsoDate, cycle: RecurringCycle, anchorDay: number): BillingPeriod {
  return { start: dueDate, end: nextDueDate(dueDate, cycle, anchorDay) };
}

export function periodDays(period: BillingPeriod): number {
  return daysBetween(period.start, period.end);
}
