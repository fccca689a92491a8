/**
 * Calendar dates without time (`YYYY-MM-DD`) for due dates and billing periods. Arithmetic is done
 * on UTC midnight so no time zone or daylight-saving change can move a date.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function parseIsoDate(text: IsoDate): { year: number; month: number; day: number } {
  if (!isIsoDate(text)) throw new RangeError(`not a date (YYYY-MM-DD): ${text}`);
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return { year: y, month: m, day: d };
}

export function makeIsoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** month is 1-12. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toEpochDay(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function fromEpochDay(epochDay: number): IsoDate {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** The date part of a timestamp, in UTC. */
export function isoDateOf(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}

/**
 * Adds months keeping the day-of-month anchor: with anchor 31, Jan 31 → Feb 28 (29) → Mar 31.
 * The anchor is the day the service was first due; short months clamp to their last day but
 * the anchor itself is never lost.
 */
export function addMonthsAnchored(date: IsoDate, months: number, anchorDay: number): IsoDate {
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) throw new RangeError(`anchor day must be 1-31: ${anchorDay}`);
  const { year, month } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return makeIsoDate(y, m, Math.min(anchorDay, daysInMonth(y, m)));
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO dates sort lexically
}
