import { assertMinorUnits, mulDivHalfUp } from './money.ts';
import { daysBetween, type IsoDate } from './dates.ts';
import { periodDays, type BillingPeriod } from './cycles.ts';

export interface ProrationInput {
  /** What the client paid for the current period at the old product/cycle. */
  oldAmount: number;
  /** The price of the same period at the new product/cycle. */
  newAmount: number;
  period: BillingPeriod;
  /** The day the change takes effect; inside [period.start, period.end]. */
  changeDate: IsoDate;
}

export interface Proration {
  remainingDays: number;
  totalDays: number;
  /** Value of the unused part of the old price (given back). */
  credit: number;
  /** Price of the rest of the period at the new price. */
  charge: number;
  /** What to invoice now (≥ 0). */
  amountDue: number;
  /** What goes to the client's credit balance (≥ 0): a downgrade's surplus. */
  creditToBalance: number;
}

/**
 * Upgrades and downgrades mid-cycle: credit the unused part of the old price, charge the rest of
 * the period at the new price, both rounded half-up per amount. The difference is invoiced, or on
 * a downgrade becomes client credit — `amountDue - creditToBalance === charge - credit` always, so
 * no money is created or lost.
 */
export function prorate(input: ProrationInput): Proration {
  assertMinorUnits(input.oldAmount, 'oldAmount');
  assertMinorUnits(input.newAmount, 'newAmount');
  if (input.oldAmount < 0 || input.newAmount < 0) throw new RangeError('prices cannot be negative');
  const totalDays = periodDays(input.period);
  const remainingDays = daysBetween(input.changeDate, input.period.end);
  if (totalDays <= 0) throw new RangeError('empty billing period');
  if (remainingDays < 0 || remainingDays > totalDays) throw new RangeError('change date outside the billing period');
  const credit = mulDivHalfUp(input.oldAmount, remainingDays, totalDays);
  const charge = mulDivHalfUp(input.newAmount, remainingDays, totalDays);
  const net = charge - credit;
  return {
    remainingDays,
    totalDays,
    credit,
    charge,
    amountDue: Math.max(net, 0),
    creditToBalance: Math.max(-net, 0),
  };
}
