import type { Command } from 'commander';
import { cliConfig } from '../context.ts';
import { openPluginRuntime } from './plugin-commands.ts';

/**
 * `mpanel retention:run [--target <name>...] [--budget-seconds <n>]`: the retention job now, in
 * the foreground (after lowering a period, or with RETENTION_CRON=off and an outside scheduler),
 * with plugins' targets registered. Prints what was deleted; exits 2 when a target failed.
 */
export function retentionRunCommand(program: Command): void {
  program
    .command('retention:run')
    .description('delete rows past their retention period now (every target, or those named)')
    .option('--target <name...>', 'only these targets (e.g. audit_logs outbox_events)')
    .option('--budget-seconds <n>', 'stop starting batches after this long', '3600')
    .action(async (opts: { target?: string[]; budgetSeconds: string }) => {
      const seconds = Number(opts.budgetSeconds);
      if (!/^\d+$/.test(opts.budgetSeconds) || seconds < 1) program.error(`retention:run: --budget-seconds must be a whole number of at least 1 (got "${opts.budgetSeconds}")`);
      const runtime = await openPluginRuntime(cliConfig());
      try {
        const { retention, retentionRegistry } = runtime.container.cradle;
        const unknown = (opts.target ?? []).filter((name) => !retentionRegistry.get(name));
        if (unknown.length) program.error(`retention:run: no retention target ${unknown.join(', ')} (targets: ${retentionRegistry.list().map((t) => t.name).join(', ')})`);
        const report = await retention.run({ budgetMs: seconds * 1000, ...(opts.target ? { only: opts.target } : {}) });
        for (const [target, n] of Object.entries(report.deleted)) process.stdout.write(`${target}: ${n} deleted\n`);
        for (const [target, message] of Object.entries(report.failed)) process.stderr.write(`${target}: failed: ${message}\n`);
        process.stdout.write(report.complete ? 'Retention complete\n' : 'Budget spent: run again to go on\n');
        if (Object.keys(report.failed).length) process.exitCode = 2;
      } finally {
        await runtime.close();
      }
    });
}
