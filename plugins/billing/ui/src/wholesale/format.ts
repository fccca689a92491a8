import { money } from '@mpanel/sdk/ui/vue';

/** Wholesale prices `{ monthly: 700, … }` as "$7.00 / monthly, …" in the offer's currency. */
export function pricesText(prices: unknown, currency: unknown): string {
  if (!prices || typeof prices !== 'object') return '';
  return Object.entries(prices as Record<string, number>).map(([cycle, amount]) => `${money(amount, currency)} / ${cycle}`).join(', ');
}

/** Margin in basis points as a percentage with two decimals ("53.33 %"), or an en dash. */
export const percentOfBp = (bp: unknown): string => (typeof bp === 'number' ? `${(bp / 100).toFixed(2)} %` : '–');

/** An offer's target: the reseller's name or the group's. */
export const targetOf = (row: Record<string, unknown>): string => String(row.resellerName ?? row.groupName ?? '');
