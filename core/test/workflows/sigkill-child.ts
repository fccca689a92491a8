/**
 * Child process of the SIGKILL test: the real platform and workflow runtime on the test's own
 * database; starts a run whose middle step hangs after writing its marker. The test kills it.
 */
import { loadConfig } from '../../src/config/config.ts';
import { createPlatform } from '../../src/platform.ts';
import { EFFECT_TABLES_SQL, killPlugin, useWorld } from './kill-plugin.ts';

const platform = await createPlatform(loadConfig(process.env), { plugins: { definitions: [killPlugin], queuePrefix: process.env.WF_QUEUE_PREFIX } });
const { knex, workflows } = platform.container.cradle;
for (const sql of EFFECT_TABLES_SQL) await knex.raw(sql);
useWorld(knex);
const tenant = (await knex('tenants').where({ slug: 'default' }).first()) as { id: string };
const id = await workflows.start('wf-kill', 'provision', { plan: 'basic' }, { tenantId: tenant.id });
process.stdout.write(`RUN ${id}\n`);
