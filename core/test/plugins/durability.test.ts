import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.ts';
import { createPlatform } from '../../src/platform.ts';
import { cliEnv, REPO_ROOT } from '../support/cli-process.ts';
import { ownDatabase, type OwnDatabase } from '../support/own-database.ts';
import { waitFor } from './wait.ts';

const CHILD = fileURLToPath(new URL('./durability-child.ts', import.meta.url));
const BASIC = fileURLToPath(new URL('../fixtures/plugins/basic', import.meta.url));

describe('event durability', function () {
  this.timeout(120_000);
  let database: OwnDatabase;
  before(async () => {
    database = await ownDatabase();
  });
  after(() => database?.remove());

  it('delivers an event committed just before a SIGKILL exactly once after restart', async () => {
    const env = cliEnv({ ...database.env, NODE_ENV: 'test', MPANEL_ADMIN_EMAIL: 'admin@example.test', MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple', JWT_SECRET: 'j'.repeat(40) });
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    assert.equal(signal, 'SIGKILL');
    // The last line; the lines before are the child's logs (the deliberately failing fixtures).
    const eventId = out.trim().split('\n').pop()!;
    assert.match(eventId, /^[0-9a-f-]{36}$/);

    const platform = await createPlatform(loadConfig(env), { plugins: { directories: [BASIC], timeouts: { boot: 300 } } });
    try {
      const { knex, eventDispatcher } = platform.container.cradle;
      // Committed but never dispatched by the killed process.
      const seen = await waitFor(async () => knex('beta_seen').where({ event_id: eventId }).first());
      assert.ok(seen);
      await eventDispatcher.loop.idle();
      const runs = await knex('beta_seen_log').where({ event_id: eventId }).count({ n: '*' });
      assert.equal(Number(runs[0]!.n), 1);
      const delivery = await knex('event_deliveries').where({ event_id: eventId, subscriber: 'beta:alpha.saved' }).first();
      assert.deepEqual([delivery.status, delivery.attempts], ['delivered', 1]);
    } finally {
      await platform.close();
    }
  });
});
