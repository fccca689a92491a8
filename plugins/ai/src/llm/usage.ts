import type { Knex } from 'knex';
import type { AiFeature } from './client.ts';

export interface TokenUsage { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number }

/** One row per call: the monthly budget and the hourly per-user limit are counted from these rows. */
export async function recordUsage(trx: Knex.Transaction, tenantId: string, userId: string | null, feature: AiFeature, usage: TokenUsage | undefined, now = new Date()): Promise<void> {
  const tokensIn = Math.max(0, Math.round(usage?.prompt_tokens ?? 0));
  // An endpoint that reports only a total (some self-hosted servers) still counts against the budget.
  const tokensOut = Math.max(0, Math.round(usage?.completion_tokens ?? Math.max(0, (usage?.total_tokens ?? 0) - tokensIn)));
  await trx('ai_usage').insert({ tenant_id: tenantId, user_id: userId, feature, day: now.toISOString().slice(0, 10), tokens_in: tokensIn, tokens_out: tokensOut });
}

export const monthStart = (now: Date): string => `${now.toISOString().slice(0, 7)}-01`;

/** Tokens in + out the tenant used this calendar month (UTC). */
export async function tokensThisMonth(trx: Knex.Transaction, tenantId: string, now = new Date()): Promise<number> {
  const row = (await trx('ai_usage').where({ tenant_id: tenantId }).where('day', '>=', monthStart(now))
    .first(trx.raw('coalesce(sum(tokens_in + tokens_out), 0)::bigint as n'))) as { n: string | number };
  return Number(row.n);
}

/** Calls the user made in the last hour. */
export async function userCallsLastHour(trx: Knex.Transaction, tenantId: string, userId: string, now = new Date()): Promise<number> {
  const row = (await trx('ai_usage').where({ tenant_id: tenantId, user_id: userId }).where('created_at', '>', new Date(now.getTime() - 3_600_000))
    .first(trx.raw('count(*)::int as n'))) as { n: number };
  return Number(row.n);
}

/** The month's usage by feature and by user (the usage route). */
export async function usageReport(trx: Knex.Transaction, tenantId: string, from: string, to: string) {
  const base = () => trx('ai_usage as u').where('u.tenant_id', tenantId).where('u.day', '>=', from).where('u.day', '<', to);
  const sums = (q: Knex.QueryBuilder) => q.select(trx.raw('sum(u.tokens_in)::bigint as tokens_in'), trx.raw('sum(u.tokens_out)::bigint as tokens_out'), trx.raw('count(*)::int as calls'));
  const byFeature = (await sums(base().select('u.feature').groupBy('u.feature')).orderBy('u.feature')) as Array<Record<string, unknown>>;
  const byUser = (await sums(base().leftJoin('users as us', 'us.id', 'u.user_id').select('u.user_id', 'us.email').groupBy('u.user_id', 'us.email')).orderBy('us.email')) as Array<Record<string, unknown>>;
  const n = (v: unknown) => Number(v ?? 0);
  return {
    byFeature: byFeature.map((r) => ({ feature: r.feature, tokensIn: n(r.tokens_in), tokensOut: n(r.tokens_out), calls: n(r.calls) })),
    byUser: byUser.map((r) => ({ userId: r.user_id ?? null, email: r.email ?? null, tokensIn: n(r.tokens_in), tokensOut: n(r.tokens_out), calls: n(r.calls) })),
  };
}
