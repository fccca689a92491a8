import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts';
import { migrateUp } from '../../src/db/migrator.ts';
import { CORE_MIGRATIONS } from '../../src/platform.ts';
import { createLogger } from '../../src/logger.ts';

export const silentLogger = createLogger({ logLevel: 'silent', nodeEnv: 'test' });

export interface QueueDatabase extends TestDatabase {
  /** A tenant to queue jobs for (tenant transactions need one). */
  tenantId: string;
}

/** A fresh database with the core schema (migrating takes seconds: one per test file). */
export async function queueDatabase(): Promise<QueueDatabase> {
  const database = await createTestDatabase();
  await migrateUp(database.db.knex, [CORE_MIGRATIONS]);
  const [{ id }] = (await database.db.knex('tenants').insert({ name: 'Queue', slug: 'queue' }).returning('id')) as [{ id: string }];
  return { ...database, tenantId: id };
}
