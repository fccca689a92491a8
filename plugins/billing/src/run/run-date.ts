import { daysBetween, type IsoDate } from '../domain/dates.ts';

/** Who may run billing for a date outside the tenant's window (`force`). */
export const FORCE_RUN_PERMISSION = 'billing.runs.force';

/**
 * A run's date decides what is invoiced, dunned, suspended and terminated: a date years ahead would
 * bill every future period at once and terminate paid-up services. Without `force` a run may only
 * be dated within `windowDays` of today (setting `billingRunDateWindowDays`).
 */
export function withinRunWindow(date: IsoDate, today: IsoDate, windowDays: number): boolean {
  return Math.abs(daysBetween(today, date)) <= windowDays;
}
