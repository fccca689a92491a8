/**
 * `npm run pack:packages [-- <out dir>]`: builds @mpanel/sdk and @mpanel/core as JavaScript and
 * .d.ts into .pack/ and `npm pack`s them into `<out dir>` (default .pack/). The repository itself
 * keeps running its TypeScript sources (package.json exports point at src/ here); only these built
 * copies, whose package.json points at the JavaScript, are what a plugin outside the repository
 * installs. Prints the tarball paths as JSON: { "sdk": ".../mpanel-sdk-0.1.0.tgz", "core": ... }.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stage = join(root, '.pack');
const out = resolve(process.argv[2] ?? stage);

type Exports = Record<string, string>;
interface Pkg { name: string; version: string; exports: Exports; [key: string]: unknown }

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Pkg;
const writeJson = (file: string, value: unknown) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const run = (cmd: string, args: string[], cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** `./src/ui/index.ts` → `{ types: '<prefix>ui/index.d.ts', default: '<prefix>ui/index.js' }`. */
function builtExports(exportsField: Exports, from: RegExp, prefix: string): Record<string, { types: string; default: string }> {
  return Object.fromEntries(Object.entries(exportsField).map(([key, src]) => {
    const base = src.replace(from, prefix).replace(/\.ts$/, '');
    return [key, { types: `${base}.d.ts`, default: `${base}.js` }];
  }));
}

/**
 * The Vue UI kit as one ES module: vue, PrimeVue, vue-i18n, vue-router and the SDK's UI module
 * stay imports (the host's import map provides them), the kit's .vue files are compiled in.
 */
async function buildUiKit(from: string, to: string): Promise<void> {
  const { build } = await import('vite');
  const { default: vue } = await import('@vitejs/plugin-vue');
  await build({
    configFile: false,
    logLevel: 'warn',
    root: from,
    plugins: [
      vue(),
      {
        name: 'mpanel-sdk-ui-external',
        enforce: 'pre',
        // The kit's `../index.ts`, `../api.ts`...: the SDK's UI module, shared with the host.
        resolveId: (id, importer) => (importer?.startsWith(from) && id.startsWith('../') ? { id: '@mpanel/sdk/ui', external: true } : null),
      },
    ],
    build: {
      outDir: to,
      emptyOutDir: false,
      minify: false,
      lib: { entry: join(from, 'index.ts'), formats: ['es'], fileName: () => 'index.js', cssFileName: 'index' },
      rollupOptions: { external: [/^vue($|\/)/, /^vue-i18n/, /^vue-router/, /^primevue/, /^@primeuix/, /^@mpanel\/sdk/] },
    },
  });
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const rootPkg = readJson(join(root, 'package.json'));

// The SDK: src/ → .pack/sdk/ (tsc), its Vue UI kit src/ui/vue → .pack/sdk/ui/vue (Vite + vue-tsc).
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'sdk/tsconfig.build.json']);
run(process.execPath, [join(root, 'node_modules/vue-tsc/bin/vue-tsc.js'), '-p', 'sdk/tsconfig.build-vue.json']);
await buildUiKit(join(root, 'sdk/src/ui/vue'), join(stage, 'sdk/ui/vue'));
const sdk = readJson(join(root, 'sdk/package.json'));
// `./ui/vue/*` (single kit files) serves the host app's own build in this repository only.
const sdkExports = Object.fromEntries(Object.entries(sdk.exports).filter(([key]) => !key.includes('*')));
writeJson(join(stage, 'sdk/package.json'), {
  ...sdk,
  version: rootPkg.version,
  exports: builtExports(sdkExports, /^\.\/src\//, './'),
  files: ['**/*.js', '**/*.d.ts', '**/*.css', '**/*.json'],
});

// Core: core/src and migrations/ → .pack/core/ in the repository's layout (core reads
// ../../migrations, ../../package.json for its version, ../../../plugin.schema.json).
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'core/tsconfig.build.json']);
const core = readJson(join(root, 'core/package.json'));
copyFileSync(join(root, 'plugin.schema.json'), join(stage, 'core/plugin.schema.json'));
mkdirSync(join(stage, 'core/bin'), { recursive: true });
writeFileSync(join(stage, 'core/bin/mpanel.js'), "#!/usr/bin/env node\nawait import('../core/src/cli/main.js');\n", { mode: 0o755 });
const { private: _private, devDependencies: _dev, ...corePublic } = core;
writeJson(join(stage, 'core/package.json'), {
  ...corePublic,
  version: rootPkg.version,
  description: 'mPanel core: the platform plugins run on (server, CLI, test host)',
  exports: builtExports(core.exports, /^\.\/src\//, './core/src/'),
  bin: { mpanel: './bin/mpanel.js' },
  engines: rootPkg.engines,
  files: ['core/**/*.js', 'core/**/*.d.ts', 'migrations/**/*.js', 'bin/', 'plugin.schema.json'],
});

const tarballs: Record<string, string> = {};
for (const name of ['sdk', 'core']) {
  const file = run('npm', ['pack', '--silent', '--pack-destination', out], join(stage, name)).trim().split('\n').pop()!;
  tarballs[name] = join(out, file);
}
process.stdout.write(`${JSON.stringify(tarballs)}\n`);
