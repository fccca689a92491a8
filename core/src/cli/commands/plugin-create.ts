import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scaffoldFiles } from './plugin-scaffold.ts';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

interface CreateOptions {
  dir: string;
  name?: string;
  sdk?: string;
  core?: string;
}

/** `mpanel plugin:create <id>`: a plugin folder (server, migration, .vue screen, test) that passes its own test. */
export function pluginCreateCommand(program: Command): void {
  program
    .command('plugin:create')
    .description('scaffold a plugin in <dir>/<id>: a route, a permission, a migration, a .vue tab on billing\'s client page, a test')
    .argument('<id>', 'kebab-case plugin id, e.g. hello-world')
    .option('--dir <dir>', 'parent folder', 'plugins')
    .option('--name <name>', 'display name')
    .option('--sdk <spec>', 'the @mpanel/sdk dependency (a version, or file:<tarball> from npm pack)')
    .option('--core <spec>', 'the @mpanel/core dev dependency the tests run on (a version, or file:<tarball>)')
    .action((id: string, opts: CreateOptions) => {
      if (!ID.test(id)) program.error(`plugin:create: "${id}" is not a kebab-case id (e.g. hello-world)`);
      const target = resolve(opts.dir, id);
      if (existsSync(target)) program.error(`plugin:create: ${target} already exists`);
      const name = opts.name ?? id.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
      for (const [file, content] of Object.entries(scaffoldFiles(id, name, { sdk: opts.sdk, core: opts.core }))) {
        const path = join(target, file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
      }
      process.stdout.write(`Created ${target}
  outside this repository:  cd ${target} && npm install && npm run build && npm test
  inside it (plugins/<id>): npm install, then npx mocha ${join(opts.dir, id, 'test/plugin.test.ts')}
  load it into mPanel:      MPANEL_PLUGINS=${target} npm start, then enable it for the tenant
`);
    });
}
