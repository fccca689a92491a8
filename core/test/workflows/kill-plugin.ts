import type { Knex } from 'knex';
import { definePlugin, step, type StepContext } from '@mpanel/sdk';

/** Whether this process is the worker the test kills (`1`: it also prints the run id) or stops (`quiet`): its middle step then hangs. */
const victim = () => process.env.WF_KILL_VICTIM === '1' || process.env.WF_KILL_VICTIM === 'quiet';

/**
 * The "outside world" the steps act on: tables the test reads, written with the process's own
 * database handle (handed over once the platform is up; a step that runs before waits for it).
 */
let current: Knex | undefined;
const waiting: Array<(knex: Knex) => void> = [];
const world = (): Promise<Knex> => (current ? Promise.resolve(current) : new Promise((resolve) => waiting.push(resolve)));
export function useWorld(knex: Knex): void {
  current = knex;
  for (const resolve of waiting.splice(0)) resolve(knex);
}

/** Each try is logged; the effect is applied once per idempotency key (what a provider's idempotency gives). */
async function effect(s: StepContext): Promise<void> {
  const knex = await world();
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
            if (!victim()) return;
            if (process.env.WF_KILL_VICTIM === '1') process.stdout.write(`MIDDLE ${s.runId}\n`);
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
