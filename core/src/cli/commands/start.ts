import type { Command } from 'commander';
import { startServer } from '../../server.ts';
import { cliConfig } from '../context.ts';

export function startCommand(program: Command): void {
  program
    .command('start')
    .description('migrate, seed on first start, and serve the API and admin UI')
    .option('--role <role>', 'web (HTTP and realtime), worker (events, webhooks, jobs, cron) or all; default MPANEL_ROLE or all')
    .action(async (options: { role?: string }) => {
      // The flag wins over the variable; loadConfig checks the value and the database it needs.
      if (options.role !== undefined) process.env.MPANEL_ROLE = options.role;
      const config = cliConfig();
      const running = await startServer(config);
      const { logger } = running.platform;
      const publicUrl = config.publicUrl ?? `http://localhost:${new URL(running.url).port}`;
      const notes = running.platform.container.cradle.startupNotes;
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      // Before the URL is printed: whoever waits for it (a supervisor, a test) may signal at once,
      // and a signal without a listener kills the process without a graceful shutdown.
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      process.stdout.write(
        [
          '',
          `  mPanel ${running.platform.container.cradle.version} is running at ${publicUrl}`,
          `  Database: ${running.platform.container.cradle.db.kind}${config.redisUrl ? ', Redis: on' : ''}, role: ${config.role}`,
          ...notes.map((n) => `  ${n.replaceAll('{url}', publicUrl)}`),
          '',
        ].join('\n') + '\n',
      );
    });
}
