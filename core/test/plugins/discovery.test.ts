import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePlugin } from '@mpanel/sdk';
import { discoverPlugins, migrationsDirOf, packageDirOf } from '../../src/plugins/discovery.ts';

/** Where migrations come from for plugins that are not folders under plugins/. */
describe('plugin discovery: folders of inline and npm plugins', () => {
  it('finds an npm plugin\'s package folder (its migrations live there)', () => {
    const dir = packageDirOf('knex');
    assert.ok(dir);
    assert.equal((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name, 'knex');
    assert.equal(packageDirOf('@mpanel/no-such-plugin'), null);
    const [candidate] = discoverPlugins({ packages: ['knex'], definitions: [] });
    assert.equal(candidate!.directory, dir);
  });

  it('takes an inline definition\'s directory, so its migrations are found', () => {
    const dir = new URL('../../../sdk/test/fixtures/memo', import.meta.url).pathname;
    const def = definePlugin({ manifest: { id: 'memo', name: 'Memo', version: '1.0.0', engines: { mpanel: '*' } }, directory: dir, register() {} });
    const [candidate] = discoverPlugins({ definitions: [def] });
    assert.equal(candidate!.directory, dir);
    const migrations = migrationsDirOf(candidate!.directory, def.manifest);
    assert.ok(migrations && existsSync(join(migrations, '20260101000000_memos.ts')));
  });

  it('takes a folder path in MPANEL_PLUGINS as a plugin folder (a plugin written outside the repository)', async () => {
    const dir = new URL('../../../sdk/test/fixtures/memo', import.meta.url).pathname;
    const [candidate, missing] = discoverPlugins({}, { MPANEL_PLUGINS: `${dir}, ./no-such-folder` }).filter((c) => c.source.includes('memo') || c.source.includes('no-such'));
    assert.equal(candidate!.directory, dir.replace(/\/$/, ''));
    assert.equal((await candidate!.load()).manifest.id, 'memo');
    await assert.rejects(missing!.load(), /Plugin "\.\/no-such-folder": no folder with plugin\.ts/);
  });
});
