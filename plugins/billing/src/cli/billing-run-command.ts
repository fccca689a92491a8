import { CliUsageError, type CliArgs, type CliIo } from '@mpanel/sdk';
import type { Plugin } from '../routes/common.ts';
import { runBilling, type RunCounts } from '../run/billing-run.ts';
import { isIsoDate, isoDateOf } from '../domain/dates.ts';

const COUNT_LABELS: Array<[keyof RunCounts, string]> = [
  ['invoicesCreated', 'invoices created'], ['remindersSent', 'reminders'], ['overdue', 'overdue'], ['lateFees', 'late fees'],
  ['suspended', 'suspended'], ['terminated', 'terminated'], ['servicesCancelled', 'services cancelled'], ['ordersCancelled', 'orders cancelled'],
];

function add(total: RunCounts, counts: RunCounts): void {
  for (const [key] of COUNT_LABELS) total[key] += counts[key];
}

/**
 * `mpanel billing:run [--date YYYY-MM-DD] [--tenant slug]`: the daily run from a shell (cron,
 * catching up a missed day). Same code and idempotency as the job and `POST /api/v1/billing/runs`;
 * the bar moves per tenant and its label follows the run's per-batch progress.
 */
export async function billingRunCommand(plugin: Plugin, args: CliArgs, io: CliIo): Promise<number> {
  const date = typeof args.date === 'string' ? args.date : isoDateOf(new Date());
  if (!isIsoDate(date)) throw new CliUsageError(`--date must be a calendar date as YYYY-MM-DD, got "${date}"`);
  const slug = typeof args.tenant === 'string' ? args.tenant : undefined;
  const total: RunCounts = { invoicesCreated: 0, remindersSent: 0, overdue: 0, lateFees: 0, suspended: 0, terminated: 0, servicesCancelled: 0, ordersCancelled: 0 };
  const bar = io.progress();
  // Each active tenant where billing is enabled, as that tenant (row-level security).
  const tenants = await plugin.forEachTenant(async (tenant) => {
    if (tenant.index === 0) bar.start(tenant.total, 'starting');
    const counts = await runBilling(plugin, tenant.id, date, {
      onProgress: (step, c) => bar.update(tenant.index, undefined, `${tenant.slug}: ${step}, ${c.invoicesCreated} invoices`),
    });
    add(total, counts);
    bar.update(tenant.index + 1, undefined, `${tenant.slug}: done`);
  }, slug === undefined ? {} : { slug });
  if (slug && !tenants) throw new CliUsageError(`no active tenant with slug "${slug}"`);
  bar.stop();
  io.print(`Billing run for ${date}: ${tenants} tenant${tenants === 1 ? '' : 's'}`);
  io.print(COUNT_LABELS.map(([key, label]) => `${label} ${total[key]}`).join(', '));
  return 0;
}

export function registerCli(plugin: Plugin): void {
  plugin.cli.command({
    name: 'billing:run',
    description: 'run billing (renewal invoices, reminders, late fees, suspensions) for a date; idempotent',
    options: [
      { flags: '--date <YYYY-MM-DD>', description: 'billing date (default: today, UTC)' },
      { flags: '--tenant <slug>', description: 'only this tenant (default: every active tenant)' },
    ],
    run: (args, io) => billingRunCommand(plugin, args, io),
  });
}
