import { BillingHarness } from './harness.ts';
import { runBilling } from '../../src/run/billing-run.ts';

/**
 * A billing run in a child process, slowed down after every committed batch so the parent can
 * SIGKILL it halfway. argv: databaseUrl tenantId date batchSize
 */
const [url, tenantId, date, batch] = process.argv.slice(2) as [string, string, string, string];
const h = await BillingHarness.connect(url);
const transaction = h.plugin.db.transaction;
(h.plugin.db as { transaction: typeof transaction }).transaction = async (tenant, fn) => {
  const result = await transaction(tenant, fn);
  await new Promise((r) => setTimeout(r, 150));
  return result;
};
await runBilling(h.plugin, tenantId, date, {
  batchSize: Number(batch),
  onProgress: (step, counts) => process.stdout.write(`${step} ${counts.invoicesCreated}\n`),
});
process.stdout.write('finished\n');
await h.knex.destroy();
