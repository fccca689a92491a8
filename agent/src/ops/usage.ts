import type { AccountUsage } from '@mpanel/sdk';
import type { Op } from './types.ts';
import * as v from './validate.ts';
import { run } from './exec.ts';
import { listAccounts, readAccount } from './state.ts';
import { homeOf } from './layout.ts';
import { ownedLike, sql } from './mariadb.ts';

/** Disk (du of the home) and databases (information_schema sizes) per account: quotas cannot be enforced on every filesystem, usage can be measured. */
const collect: Op<{ usernames?: string[] }> = {
  name: 'usage.collect',
  async run(ctx, params) {
    const { env } = ctx;
    const usernames = params.usernames === undefined
      ? (await listAccounts(env)).map((a) => a.username)
      : (Array.isArray(params.usernames) ? params.usernames : []).map((u) => v.username(u, env.userPrefix));
    const out: Array<{ username: string; usage: AccountUsage }> = [];
    for (const username of usernames) {
      const record = await readAccount(env, username);
      if (!record) continue;
      const usage = await ctx.step(`usage ${username}`, async () => {
        const du = await run('du', ['-s', '-k', '-x', homeOf(env, username)], { timeoutMs: 300_000 });
        const diskKb = Number(du.stdout.split('\t')[0]) || 0;
        const rows = await sql(env, `SELECT COUNT(DISTINCT s.SCHEMA_NAME), COALESCE(SUM(t.DATA_LENGTH + t.INDEX_LENGTH), 0) FROM information_schema.SCHEMATA s LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME WHERE s.SCHEMA_NAME ${ownedLike(username)};`);
        const [databases, dbBytes] = (rows[0] ?? ['0', '0']).map(Number);
        const databaseMb = Math.round(((dbBytes ?? 0) / 1048576) * 100) / 100;
        return {
          diskUsedMb: Math.round((diskKb / 1024) * 100) / 100 + databaseMb,
          diskLimitMb: record.plan.diskMb,
          extra: { homeMb: Math.round((diskKb / 1024) * 100) / 100, databaseMb, databases: databases ?? 0 },
        } satisfies AccountUsage;
      });
      out.push({ username, usage });
    }
    return out;
  },
};

export const usageOps = [collect];
