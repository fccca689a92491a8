import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
// eslint-disable-next-line no-restricted-imports
import { CLI, cliEnv, run, tempDataDir } from '../../../../core/test/support/cli-process.ts';

/**
 * `mpanel hosting:import` as a user runs it (a child `node bin/mpanel.js` on its own DATA_DIR): the
 * command is registered and refuses bad arguments with one clear line. The import it runs is the
 * job's (`runImport`), covered end to end by import.test.ts.
 */
describe('mpanel hosting:import (plugin CLI command)', function () {
  this.timeout(180_000);
  const data = tempDataDir();
  const env = cliEnv({ DATA_DIR: data.dir, NODE_ENV: 'development' });
  const mpanel = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
  after(() => data.remove());

  it('is registered and refuses a missing --server with one line', async () => {
    const res = await mpanel('hosting:import', '--product', randomUUID(), '--next-due', '2027-01-01');
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, "hosting:import: --server <id> is required (the server's id, a UUID)\n");
  });

  it('a malformed --next-due and an unknown server: exit 1, one line each', async () => {
    const bad = await mpanel('hosting:import', '--server', randomUUID(), '--product', randomUUID(), '--next-due', '01/02/2027');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'hosting:import: --next-due <YYYY-MM-DD> is required\n');
    const server = randomUUID();
    const unknown = await mpanel('hosting:import', '--server', server, '--product', randomUUID(), '--next-due', '2027-01-01');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, `hosting:import: no server ${server}\n`);
  });
});
