import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every path a package.json `exports` map names, whatever the condition nesting. */
function targets(exportsField: unknown): string[] {
  if (typeof exportsField === 'string') return [exportsField];
  if (exportsField && typeof exportsField === 'object') return Object.values(exportsField).flatMap(targets);
  return [];
}

describe('package entries', () => {
  for (const dir of ['core', 'sdk']) {
    it(`${dir}/package.json exports only files that exist`, () => {
      const pkg = JSON.parse(readFileSync(`${root}${dir}/package.json`, 'utf8')) as { exports: unknown };
      // A subpath pattern (`./src/ui/vue/*`) must at least name a folder that exists.
      const missing = targets(pkg.exports).filter((t) => !existsSync(`${root}${dir}/${t.includes('*') ? t.slice(0, t.indexOf('*')) : t}`));
      assert.deepEqual(missing, []);
    });
  }

  it('core has a public entry and a testing entry that the SDK reaches by package name', async () => {
    const core = (await import('@mpanel/core')) as Record<string, unknown>;
    assert.equal(typeof core.startServer, 'function');
    const testing = (await import('@mpanel/core/testing')) as Record<string, unknown>;
    assert.equal(typeof testing.createTestHost, 'function');
    const sdkTesting = readFileSync(`${root}sdk/src/testing.ts`, 'utf8');
    assert.doesNotMatch(sdkTesting, /\.\.\/\.\.\/core/, '@mpanel/sdk/testing must not reach into core by a relative path');
  });
});
