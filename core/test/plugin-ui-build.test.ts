import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SHARED_MODULES } from '@mpanel/sdk/vite';
import { createLogger } from '../src/logger.ts';
import { ensurePluginUisBuilt } from '../src/ui/build-ui.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = join(ROOT, 'test/e2e/fixtures/slots');
const SECOND_VUE = join(ROOT, 'core/test/fixtures/plugin-ui/second-vue');

const cli = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/mpanel.js'), ...args], { cwd: ROOT });

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

/** Bare specifiers a built ES module imports (`from"vue"`, `import"x"`); relative chunk imports are skipped. */
const bareImports = (code: string): string[] => [...code.matchAll(/(?:from|import)\s*["']([^"'.][^"']*)["']/g)].map((m) => m[1]!);

describe('mpanel plugin:build (the SDK Vite preset)', function () {
  this.timeout(90_000); // each case runs a real Vite build in a child process
  it('builds .vue + TS into dist/index.js with the host modules as bare externals, no second Vue', async () => {
    rmSync(join(FIXTURE, 'ui/dist'), { recursive: true, force: true });
    const { stdout } = await cli('plugin:build', FIXTURE);
    assert.match(stdout, /built .*fixtures\/slots\/ui\/dist/);
    const dist = join(FIXTURE, 'ui/dist');
    const files = jsFiles(dist);
    assert.ok(existsSync(join(dist, 'index.js')), 'the entry the manifest names');
    assert.ok(files.length >= 2, 'the lazily loaded page is its own chunk');
    const imported = new Set(files.flatMap((f) => bareImports(readFileSync(f, 'utf8'))));
    assert.ok(imported.has('vue'), 'components import vue by its bare name (the import map resolves it)');
    assert.ok(imported.has('@mpanel/sdk/ui') && imported.has('primevue/button'));
    for (const id of imported) assert.ok(SHARED_MODULES.includes(id), `${id} is not a host shared module`);
    for (const f of files) assert.doesNotMatch(readFileSync(f, 'utf8'), /__v_isRef|__v_skip/, `${f} carries Vue's runtime`);
    const entry = readFileSync(join(dist, 'index.js'), 'utf8');
    assert.match(entry, /export\s*\{[^}]*as default/, 'the plugin definition is the default export');
    const css = /for \(const f of (\[[^\]]*\])\)/.exec(entry);
    assert.ok(css, 'the entry links its own stylesheet');
    for (const file of JSON.parse(css[1]!) as string[]) assert.match(readFileSync(join(dist, file), 'utf8'), /outline:3px solid/);
  });

  it('refuses a plugin that would bundle its own copy of Vue, naming what to import instead', async () => {
    await assert.rejects(cli('plugin:build', SECOND_VUE), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /would bundle host modules .*@vue\/reactivity/);
      assert.match(err.stderr, /import only the shared ones by their bare name \(vue, /);
      return true;
    });
    assert.equal(existsSync(join(SECOND_VUE, 'ui/dist/index.js')), false);
  });

  it('npm start builds a plugin UI whose bundle is missing, and only that one', async () => {
    const logger = createLogger({ logLevel: 'silent', nodeEnv: 'test' });
    rmSync(join(FIXTURE, 'ui/dist'), { recursive: true, force: true });
    // test/e2e/fixtures holds plain-ESM plugins (no ui/src) beside the .vue one: only that is built.
    assert.deepEqual(await ensurePluginUisBuilt(logger, join(ROOT, 'test/e2e/fixtures')), [FIXTURE]);
    assert.ok(existsSync(join(FIXTURE, 'ui/dist/index.js')));
    assert.deepEqual(await ensurePluginUisBuilt(logger, join(ROOT, 'test/e2e/fixtures')), [], 'built bundles are not rebuilt');
  });

  it('plugin:dev writes a development build and rebuilds it when a source changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpanel-plugin-dev-'));
    const source = join(dir, 'ui/src/index.ts');
    mkdirSync(join(dir, 'ui/src'), { recursive: true });
    const write = (word: string) => writeFileSync(source, `import { defineUiPlugin } from '@mpanel/sdk/ui';\nexport default defineUiPlugin({ id: 'dev', setup: () => console.log('${word}') });\n`);
    write('first-version');
    const child = spawn(process.execPath, [join(ROOT, 'bin/mpanel.js'), 'plugin:dev', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const entry = join(dir, 'ui/dist/index.js');
    const until = async (what: string, ok: () => boolean) => {
      for (const deadline = Date.now() + 60_000; !ok(); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() > deadline || child.exitCode !== null) assert.fail(`${what}; output: ${output}`);
      }
    };
    const built = () => (existsSync(entry) ? readFileSync(entry, 'utf8') : '');
    try {
      await until('the first build', () => /watching/.test(output) && built().includes('first-version'));
      assert.match(built(), /sourceMappingURL=data:/, 'a development build (inline source map)');
      write('second-version');
      await until('the rebuild', () => built().includes('second-version'));
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
