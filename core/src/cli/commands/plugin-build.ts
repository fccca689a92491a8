import type { Command } from 'commander';
import { buildPluginUi, pluginsWithUi } from '@mpanel/sdk/vite';

/** The plugin folders a command works on: those named, or with `--all` every `<parent>/*` with UI sources. */
export function targetsOf(dirs: string[], opts: { all?: boolean; parent: string }): string[] {
  return opts.all ? pluginsWithUi(opts.parent) : dirs.length ? dirs : ['.'];
}

/** `mpanel plugin:build [dir...] | --all`: builds plugin UIs (`ui/src` → `ui/dist`) with the SDK's Vite preset. */
export function pluginBuildCommand(program: Command): void {
  program
    .command('plugin:build')
    .description("build plugin UIs (ui/src/*.vue|ts → ui/dist) with the SDK's Vite preset; host modules stay external")
    .argument('[dirs...]', 'plugin folders (default: the current one)')
    .option('--all', 'every plugin under --parent with ui/src/index.ts')
    .option('--parent <dir>', 'where --all looks', 'plugins')
    .action(async (dirs: string[], opts: { all?: boolean; parent: string }) => {
      const targets = targetsOf(dirs, opts);
      for (const dir of targets) {
        const started = Date.now();
        try {
          const { outDir } = await buildPluginUi(dir);
          process.stdout.write(`built ${outDir} in ${Date.now() - started} ms\n`);
        } catch (err) {
          program.error(`plugin:build: ${dir}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (!targets.length) process.stdout.write('plugin:build: no plugin UI sources found\n');
    });
}
