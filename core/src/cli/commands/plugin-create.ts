import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scaffoldFiles } from './plugin-scaffold.ts';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `mpanel plugin:create <id>`: a plugin folder that passes its own test. */
export function pluginCreateCommand(program: Command): void {
  program
    .command('plugin:create')
    .description('scaffold a plugin in plugins/<id> (plugin.ts, package.json, a test, migrations/)')
    .argument('<id>', 'kebab-case plugin id, e.g. hello-world')
    .option('--dir <dir>', 'parent folder', 'plugins')
    .option('--name <name>', 'display name')
    .action((id: string, opts: { dir: string; name?: string }) => {
      if (!ID.test(id)) program.error(`plugin:create: "${id}" is not a kebab-case id (e.g. hello-world)`);
      const target = resolve(opts.dir, id);
      if (existsSync(target)) program.error(`plugin:create: ${target} already exists`);
      const name = opts.name ?? id.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
      for (const [file, content] of Object.entries(scaffoldFiles(id, name))) {
        const path = join(target, file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
      }
      process.stdout.write(`Created ${target}\n  test it:  npx mocha ${join(opts.dir, id, 'test/plugin.test.ts')}\n  then run: npm install (links the workspace) and restart mPanel\n`);
    });
}
