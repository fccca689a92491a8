import type { Knex } from 'knex';
import { definePlugin, step, type StepContext } from '@mpanel/sdk';

/** Whether this process is the worker the test kills (its middle step then hangs). */
const VICTIM = process.env.WF_KILL_VICTIM === '1';

/**
 * The "outside world" the steps act on: tables the test reads, written with the process's own
 * database handle (handed over once the platform is up; a step that runs before waits for it).
 */
let setWorld: (knex: Knex) => void = () => undefined;
const world = new Promise<Knex>((resolve) => (setWorld = resolve));
export function useWorld(knex: Knex): void {
  setWorld(knex);
}

/** Each try is logged; the effect is applied once per idempotency key (what a provider's idempotency gives). */
async function effect(s: StepContext): Promise<void> {
  const knex = await world;
  await knex.raw('insert into wf_kill_tries (step, pid) values (?, ?)', [s.step, process.pid]);
  await knex.raw('insert into wf_kill_effects (idempotency_key, step) values (?, ?) on conflict (idempotency_key) do nothing', [s.idempotencyKey, s.step]);
}

/** A three-step workflow whose middle step writes its marker, then (in the victim) never ends. */
export const killPlugin = definePlugin({
  manifest: { id: 'wf-kill', name: 'Workflow SIGKILL probe', version: '1.0.0', engines: { mpanel: '>=0.1.0' } },
  register(ctx) {
    ctx.workflows.define({
      name: 'provision',
      steps: [
        step('first', { run: effect }),
        step('middle', {
          run: async (s) => {
            await effect(s);
            if (!VICTIM) return;
            process.stdout.write(`MIDDLE ${s.runId}\n`);
            await new Promise(() => undefined);
          },
        }),
        step('last', { run: effect }),
      ],
    });
  },
});

export const EFFECT_TABLES_SQL = [
  'create table if not exists wf_kill_effects (idempotency_key text primary key, step text not null)',
  'create table if not exists wf_kill_tries (id serial primary key, step text not null, pid int not null)',
];
