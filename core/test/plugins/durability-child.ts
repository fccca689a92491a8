/**
 * Child process of the durability test: starts the platform (fixture plugins), commits a change
 * with its outbox event in one transaction, prints the event id and kills itself with SIGKILL
 * before the dispatcher is nudged (an explicit transaction never nudges it).
 */
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.ts';
import { createPlatform } from '../../src/platform.ts';

const platform = await createPlatform(loadConfig(process.env), {
  plugins: { directories: [fileURLToPath(new URL('../fixtures/plugins/basic', import.meta.url))], timeouts: { boot: 300 } },
});
const { knex, eventBus } = platform.container.cradle;
const tenant = (await knex('tenants').where({ slug: 'default' }).first()) as { id: string };
let eventId = '';
await knex.transaction(async (trx) => {
  const [item] = (await trx('alpha_items').insert({ tenant_id: tenant.id, name: 'durable' }).returning('id')) as Array<{ id: string }>;
  eventId = await eventBus.emit({ source: 'alpha', name: 'alpha.saved', payload: { itemId: item!.id }, tenantId: tenant.id, trx });
});
process.stdout.write(`${eventId}\n`, () => process.kill(process.pid, 'SIGKILL'));
