import type { Knex } from 'knex';

/**
 * Takes a TOTP time-step for the user, once: true when `step` is later than the last one the user
 * was let in with (and now is that one). One conditional UPDATE, so two requests racing with the
 * same code cannot both win.
 */
export async function useTotpStep(db: (table: string) => Knex.QueryBuilder, userId: string, step: number): Promise<boolean> {
  const updated = await db('users')
    .where({ id: userId })
    .where((q) => q.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
    .update({ totp_last_step: step });
  return updated === 1;
}
