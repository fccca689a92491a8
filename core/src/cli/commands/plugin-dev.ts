import type { Command } from 'commander';
import { buildPluginUi } from '@mpanel/sdk/vite';

/**
 * `mpanel plugin:dev [dir]`: rebuilds a plugin's UI on every change while mPanel runs. The server
 * serves `ui/dist` without long caching (entry `no-cache`, chunks content-hashed), so a reload
 * of the page picks the new bundle up.
 */
export function pluginDevCommand(program: Command): void {
  program
    .command('plugin:dev')
    .description('rebuild a plugin UI on change (development build); reload the page to see it')
    .argument('[dir]', 'plugin folder', '.')
    .action(async (dir: string) => {
      const { outDir, close } = await buildPluginUi(dir, { watch: true, logLevel: 'info' });
      process.stdout.write(`watching ${dir}: writing ${outDir} on every change (Ctrl-C stops)\n`);
      const stop = () => void close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
