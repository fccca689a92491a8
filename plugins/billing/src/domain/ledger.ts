import { sum } from './money.ts';

/** One credit movement: positive adds client credit, negative uses it. */
export interface LedgerEntry {
  amount: number;
}

/** A client's credit balance is the sum of its ledger, never a separately stored number. */
export function ledgerBalance(entries: readonly LedgerEntry[]): number {
  return sum(entries.map((e) => e.amount));
}

export interface Settlement {
  /** What reduces the invoice's amount due. */
  applied: number;
  /** What is left over and becomes client credit. */
  overpayment: number;
}

/** Splits a payment between an invoice's amount due and client credit; applied + overpayment = paid. */
export function settlePayment(amountDue: number, paid: number): Settlement {
  if (paid < 0) throw new RangeError('payment must be positive');
  const applied = Math.min(Math.max(amountDue, 0), paid);
  return { applied, overpayment: paid - applied };
}

/** How much credit to use on an invoice: the lesser of balance and amount due. */
export function creditToApply(balance: number, amountDue: number): number {
  return Math.max(0, Math.min(balance, amountDue));
}
