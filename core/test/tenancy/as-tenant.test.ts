import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { asTenant } from '../../src/tenancy/with-tenant.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('asTenant', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database?.destroy());

  const tenantOf = async (trx: Parameters<typeof asTenant>[0]) =>
    ((await trx.raw(`select current_setting('app.tenant_id', true) as t`)) as { rows: Array<{ t: string }> }).rows[0]!.t;

  it('switches to the other tenant for the callback and back afterwards', async () => {
    await database.db.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true)`, [A]);
      const inside = await asTenant(trx, A, B, () => tenantOf(trx));
      assert.equal(inside, B);
      assert.equal(await tenantOf(trx), A);
    });
  });

  it('restores the previous tenant when the callback throws and the caller catches the error', async () => {
    await database.db.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true)`, [A]);
      await assert.rejects(
        asTenant(trx, A, B, () => Promise.reject(new Error('the sub-tenant refused'))),
        /the sub-tenant refused/,
      );
      assert.equal(await tenantOf(trx), A, 'the caller goes on as its own tenant, not as B');
    });
  });

  it('surfaces the callback\'s SQL error, not the failed switch back of the aborted transaction', async () => {
    await assert.rejects(
      database.db.knex.transaction(async (trx) => {
        await trx.raw(`select set_config('app.tenant_id', ?, true)`, [A]);
        await asTenant(trx, A, B, () => trx.raw('select * from no_such_table'));
      }),
      /no_such_table/,
    );
  });
});
