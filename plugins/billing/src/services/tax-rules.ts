import { NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { percentToPpm } from '../domain/tax.ts';
import { taxRuleView, type TaxRuleInput } from './taxes.ts';

async function ruleRow(b: Billing, id: string, lock = false): Promise<Record<string, unknown>> {
  const q = b.db('tax_rules').where('id', id);
  if (lock) q.forUpdate();
  const row = (await q.first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Tax rule not found');
  return row;
}

export async function getTaxRule(b: Billing, id: string) {
  return taxRuleView(await ruleRow(b, id));
}

function ratePpmOf(rate: string | number): number {
  let ppm: number;
  try {
    ppm = percentToPpm(rate);
  } catch {
    throw new ValidationError({ rate: 'a percentage with at most 4 decimals' });
  }
  if (ppm > 1_000_000) throw new ValidationError({ rate: 'at most 100' });
  return ppm;
}

/**
 * Changes a rule, checking the rule as it will be (a patch of `level` alone must not leave a
 * compound level-1 rule). Issued invoices keep their own tax breakdown, so edits affect new ones only.
 */
export async function updateTaxRule(b: Billing, id: string, patch: Partial<TaxRuleInput>) {
  const row = await ruleRow(b, id, true);
  const current = taxRuleView(row);
  const next = { ...current, ...patch };
  if (next.compound && next.level !== 2) throw new ValidationError({ compound: 'only a level 2 tax can be compound' });
  if (next.validFrom && next.validTo && next.validTo < next.validFrom) throw new ValidationError({ validTo: 'before validFrom' });
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.country !== undefined) changes.country = patch.country;
  if (patch.state !== undefined) changes.state = patch.state;
  if (patch.rate !== undefined) changes.rate_ppm = ratePpmOf(patch.rate);
  if (patch.level !== undefined) changes.level = patch.level;
  if (patch.compound !== undefined) changes.compound = patch.compound;
  if (patch.validFrom !== undefined) changes.valid_from = patch.validFrom;
  if (patch.validTo !== undefined) changes.valid_to = patch.validTo;
  const [updated] = (await b.db('tax_rules').where('id', id).update({ ...changes, updated_at: b.db.trx.fn.now() }).returning('*')) as Array<Record<string, unknown>>;
  return taxRuleView(updated!);
}

/** Issued invoices carry their tax breakdown, so a rule can go without rewriting history. */
export async function deleteTaxRule(b: Billing, id: string): Promise<void> {
  await ruleRow(b, id, true);
  await b.db('tax_rules').where('id', id).delete();
}
