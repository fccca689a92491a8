import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cliEnv, REPO_ROOT } from '../support/cli-process.ts';

describe('mpanel plugin:create', function () {
  this.timeout(120_000);
  // Inside the repository, so the scaffold resolves @mpanel/sdk like a real plugins/<id> folder.
  const parent = mkdtempSync(join(REPO_ROOT, 'core', 'test', '.scaffold-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('scaffolds a plugin that passes its own test', () => {
    const env = cliEnv({});
    const created = spawnSync(process.execPath, [CLI, 'plugin:create', 'hello-world', '--dir', parent], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    const again = spawnSync(process.execPath, [CLI, 'plugin:create', 'hello-world', '--dir', parent], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already exists/);
    const bad = spawnSync(process.execPath, [CLI, 'plugin:create', 'Hello_World', '--dir', parent], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    assert.match(bad.stderr, /not a kebab-case id/);

    const rc = join(parent, 'mocharc.json');
    writeFileSync(rc, JSON.stringify({ import: ['tsx'], timeout: 60000, exit: true }));
    const test = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/mocha/bin/mocha.js'), '--config', rc, join(parent, 'hello-world/test/plugin.test.ts')], { cwd: REPO_ROOT, env: { ...env, TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' }, encoding: 'utf8' });
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /3 passing/);

    // Its screen builds with the SDK's preset: vue and @mpanel/sdk/ui stay bare imports for the import map.
    const dir = join(parent, 'hello-world');
    const build = spawnSync(process.execPath, [CLI, 'plugin:build', dir], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const entry = readFileSync(join(dir, 'ui/dist/index.js'), 'utf8');
    assert.match(entry, /from ?["']@mpanel\/sdk\/ui["']/);
    assert.ok(readdirSync(join(dir, 'migrations')).some((f) => /^\d{14}_hello_world_notes\.ts$/.test(f)));
  });
});
