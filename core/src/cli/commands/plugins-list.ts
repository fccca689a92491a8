import type { Command } from 'commander';
import { discoverPlugins } from '../../plugins/discovery.ts';
import { checkEngines, validateManifest } from '../../plugins/manifest-validator.ts';
import { orderPlugins } from '../../plugins/order.ts';
import { VERSION } from '../../version.ts';

/** `mpanel plugins:list`: installed plugins in load order, and those that cannot load with why. */
export function pluginsListCommand(program: Command): void {
  program
    .command('plugins:list')
    .description('list installed plugins (plugins/* and MPANEL_PLUGINS) in load order, with problems')
    .action(async () => {
      const manifests = [];
      const problems: Array<[string, string]> = [];
      for (const candidate of discoverPlugins()) {
        try {
          const manifest = validateManifest((await candidate.load()).manifest, candidate.source);
          checkEngines(manifest, VERSION);
          manifests.push(manifest);
        } catch (err) {
          problems.push([candidate.source, err instanceof Error ? err.message : String(err)]);
        }
      }
      const { order, rejected } = orderPlugins(manifests);
      const byId = new Map(manifests.map((m) => [m.id, m]));
      for (const id of order) {
        const m = byId.get(id)!;
        process.stdout.write(`${id.padEnd(24)} ${m.version.padEnd(10)} ok      ${m.name}\n`);
      }
      for (const [id, reason] of [...rejected, ...problems]) process.stdout.write(`${id.padEnd(24)} ${(byId.get(id)?.version ?? '-').padEnd(10)} failed  ${reason}\n`);
      if (!order.length && !rejected.size && !problems.length) process.stdout.write('No plugins installed.\n');
    });
}
