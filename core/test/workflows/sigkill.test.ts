import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.ts';
import { createPlatform } from '../../src/platform.ts';
import { cliEnv, ServerProcess } from '../support/cli-process.ts';
import { ownDatabase, type OwnDatabase } from '../support/own-database.ts';
import { waitFor } from '../plugins/wait.ts';
import { EFFECT_TABLES_SQL, killPlugin, useWorld } from './kill-plugin.ts';

const CHILD = fileURLToPath(new URL('./sigkill-child.ts', import.meta.url));

describe('workflow durability: a worker stopped or SIGKILLed mid-step', function () {
  this.timeout(120_000);
  let database: OwnDatabase;
  before(async () => {
    database = await ownDatabase();
  });
  after(() => database?.remove());

  it('a stopping worker gives its run back at once, even with a step that never ends; the next worker resumes it', async () => {
    const own = await ownDatabase();
    const env = cliEnv({ ...own.env, NODE_ENV: 'test', JWT_SECRET: 'j'.repeat(40), MPANEL_ADMIN_EMAIL: 'admin@example.test', MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple', REDIS_URL: process.env.TEST_REDIS_URL ?? '', WORKFLOW_LEASE_MS: '60000', WORKFLOW_SWEEP_MS: '50' });
    const queuePrefix = `wfs${randomBytes(4).toString('hex')}`;
    const open = () => createPlatform(loadConfig(env), { plugins: { definitions: [killPlugin], queuePrefix } });
    try {
      process.env.WF_KILL_VICTIM = 'quiet';
      const first = await open();
      const { knex, workflows } = first.container.cradle;
      for (const sql of EFFECT_TABLES_SQL) await knex.raw(sql);
      useWorld(knex);
      const tenant = (await knex('tenants').where({ slug: 'default' }).first()) as { id: string };
      const runId = await workflows.start('wf-kill', 'provision', {}, { tenantId: tenant.id });
      await waitFor(async () => (await knex('wf_kill_tries').where({ step: 'middle' }).first()) as unknown);
      const t = Date.now();
      await first.close();
      assert.ok(Date.now() - t < 10_000, `stopped in ${Date.now() - t} ms`);
      delete process.env.WF_KILL_VICTIM;

      // A lease of a minute: only a run given back (not one whose lease ran out) resumes this soon.
      const second = await open();
      try {
        const k = second.container.cradle.knex;
        useWorld(k);
        const run = await waitFor(async () => {
          const r = await k('workflow_runs').where({ id: runId }).first();
          return r?.status === 'succeeded' ? r : undefined;
        }, 20_000);
        assert.equal(run.status, 'succeeded');
        assert.deepEqual(await k('workflow_steps').where({ run_id: runId }).orderBy('position').pluck('attempts'), [1, 2, 1]);
      } finally {
        await second.close();
      }
    } finally {
      delete process.env.WF_KILL_VICTIM;
      await own.remove();
    }
  });

  it('resumes the run at the killed step on another worker; each effect once per idempotency key', async () => {
    const queuePrefix = `wfk${randomBytes(4).toString('hex')}`;
    const env = cliEnv({
      ...database.env, NODE_ENV: 'test', JWT_SECRET: 'j'.repeat(40), MPANEL_ADMIN_EMAIL: 'admin@example.test', MPANEL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
      REDIS_URL: process.env.TEST_REDIS_URL ?? '', WORKFLOW_LEASE_MS: '400', WORKFLOW_SWEEP_MS: '50', WF_QUEUE_PREFIX: queuePrefix,
    });
    const child = new ServerProcess(process.execPath, ['--import', 'tsx', CHILD], { ...env, WF_KILL_VICTIM: '1' });
    const [, runId] = await child.waitFor(/MIDDLE (\S+)/);
    const { signal } = await child.stop('SIGKILL');
    assert.equal(signal, 'SIGKILL');

    const platform = await createPlatform(loadConfig(env), { plugins: { definitions: [killPlugin], queuePrefix } });
    try {
      const { knex } = platform.container.cradle;
      useWorld(knex);
      const run = await waitFor(async () => {
        const r = await knex('workflow_runs').where({ id: runId }).first();
        return r?.status === 'succeeded' ? r : undefined;
      }, 20_000);
      assert.equal(run.status, 'succeeded');
      const effects = await knex('wf_kill_effects').orderBy('step').select('idempotency_key', 'step');
      assert.deepEqual(effects.map((e: { idempotency_key: string }) => e.idempotency_key).sort(), [`${runId}:first`, `${runId}:last`, `${runId}:middle`]);
      const tries = (await knex('wf_kill_tries').orderBy('id')) as Array<{ step: string; pid: number }>;
      assert.deepEqual(tries.map((t) => t.step), ['first', 'middle', 'middle', 'last']);
      assert.notEqual(tries[1]!.pid, tries[2]!.pid, 'the killed step re-ran in the new worker');
      assert.equal(tries[2]!.pid, process.pid);
      const steps = await knex('workflow_steps').where({ run_id: runId }).orderBy('position');
      assert.deepEqual(steps.map((s: { name: string; attempts: number; status: string }) => [s.name, s.attempts, s.status]), [['first', 1, 'succeeded'], ['middle', 2, 'succeeded'], ['last', 1, 'succeeded']]);
    } finally {
      await platform.close();
    }
  });
});
