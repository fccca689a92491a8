/**
 * `npm run bench:events`: outbox events delivered per second to a no-op subscriber, on embedded
 * PGlite and on PostgreSQL, next to the raw INSERT rate of the same rows (one transaction each)
 * in the same run — the ceiling, since every event is at least that insert.
 *
 *   BENCH_EVENTS=2000 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:events
 */
import { definePlugin } from '@mpanel/sdk';
import { loadConfig } from '../core/src/config/config.ts';
import { createPlatform } from '../core/src/platform.ts';
import { createTestDatabase } from '../core/src/testing/database.ts';

const N = Number(process.env.BENCH_EVENTS ?? 1000);
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let delivered = 0;
const bench = definePlugin({
  manifest: { id: 'bench', name: 'Bench', version: '1.0.0', engines: { mpanel: '*' }, events: { emits: ['bench.tick'], subscribes: ['bench.tick'] } },
  register(ctx) {
    ctx.events.subscribe('bench.tick', () => {
      delivered++;
    });
  },
});

async function run(label: string, url: string | undefined): Promise<void> {
  const database = await createTestDatabase(url);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/mpanel-bench', MPANEL_ADMIN_EMAIL: 'bench@example.test', MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple' });
  const platform = await createPlatform(config, { database: database.db, plugins: { definitions: [bench] } });
  try {
    const { knex, appKnex, eventBus, eventDispatcher } = platform.container.cradle;
    const tenant = (await knex('tenants').first('id')) as { id: string };
    const row = (i: number) => ({ tenant_id: tenant.id, name: 'bench.tick', source: 'bench', payload: JSON.stringify({ i }) });

    await knex.raw('create table bench_raw (like outbox_events including defaults)');
    let t = performance.now();
    for (let i = 0; i < N; i++) await knex.transaction((trx) => trx('bench_raw').insert(row(i)));
    const rawRate = N / ((performance.now() - t) / 1000);

    // Statements sent while emitting and delivering (both pools; one knex on PGlite): steadier than events/s on a shared machine.
    let statements = 0;
    const count = () => void statements++;
    const pools = [...new Set([knex, appKnex])];
    for (const pool of pools) pool.on('query', count);
    delivered = 0;
    t = performance.now();
    for (let i = 0; i < N; i++) {
      await knex.transaction((trx) => eventBus.emit({ source: 'bench', name: 'bench.tick', payload: { i }, tenantId: tenant.id, trx }));
      if (i % 100 === 99) eventDispatcher.loop.wake();
    }
    while (delivered < N) {
      eventDispatcher.loop.wake();
      await eventDispatcher.loop.idle();
    }
    const eventRate = N / ((performance.now() - t) / 1000);
    for (const pool of pools) pool.off('query', count);
    process.stdout.write(
      `${label.padEnd(11)} raw INSERT ${rawRate.toFixed(0).padStart(7)}/s   outbox emit+deliver ${eventRate.toFixed(0).padStart(7)} events/s   ratio ${(eventRate / rawRate).toFixed(2)}   SQL statements/event ${(statements / N).toFixed(2)} (the emitting transaction's 3 included)\n`,
    );
  } finally {
    await platform.close();
    await database.destroy();
  }
}

process.stdout.write(`${N} events, one transaction each, no-op subscriber\n`);
await run('PGlite', undefined);
try {
  await run('PostgreSQL', PG_URL);
} catch (err) {
  process.stdout.write(`PostgreSQL  skipped: ${(err as Error).message}\n`);
}
