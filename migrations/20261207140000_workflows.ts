import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

const RUN_STATUSES = ['queued', 'running', 'compensating', 'succeeded', 'failed', 'needs_attention', 'cancelled', 'superseded'];
const STEP_STATUSES = ['pending', 'running', 'waiting', 'succeeded', 'failed', 'compensated'];

const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Durable workflows: one row per run and one per step (and per compensation) so the API and the
 * admin UI can show a timeline. `input` and `output` are sealed (the run needs them to resume;
 * nobody reads them back); the `*_summary` columns are what people see, secrets redacted. The
 * runtime's bookkeeping (leases, kicks) runs as the owner across tenants; requests read and act
 * under row-level security. `finished_at` is indexed for retention.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'workflow_runs', (t) => {
    t.text('name').notNullable();
    t.text('owner').notNullable();
    t.text('subject');
    t.text('status').notNullable().defaultTo('queued');
    // forward: running the steps; compensate: undoing the completed ones (outcome: failed or cancelled).
    t.text('phase').notNullable().defaultTo('forward');
    t.text('compensate_outcome');
    t.text('input');
    t.jsonb('input_summary');
    t.text('current_step');
    t.text('last_error');
    t.uuid('superseded_by').references('id').inTable('workflow_runs').onDelete('SET NULL');
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('lease_owner');
    t.timestamp('lease_until', { useTz: true });
    t.timestamp('kicked_at', { useTz: true });
    t.integer('kick_seq').notNullable().defaultTo(0);
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('notified_at', { useTz: true });
    t.index(['superseded_by'], 'workflow_runs_superseded_by_idx');
    t.index(['finished_at'], 'workflow_runs_finished_at_idx');
    t.index(['tenant_id', 'status', 'created_at'], 'workflow_runs_tenant_status_idx');
    t.index(['tenant_id', 'name', 'subject', 'created_at'], 'workflow_runs_subject_idx');
  });
  await knex.raw(`ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_status_check CHECK (status IN (${list(RUN_STATUSES)}))`);
  await knex.raw(`ALTER TABLE workflow_runs ADD CONSTRAINT workflow_runs_phase_check CHECK (phase IN ('forward', 'compensate'))`);
  await knex.raw(`CREATE INDEX workflow_runs_due_idx ON workflow_runs (next_attempt_at) WHERE status IN ('queued', 'running', 'compensating')`);

  await createTenantTable(knex, 'workflow_steps', (t) => {
    t.uuid('run_id').notNullable().references('id').inTable('workflow_runs').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('name').notNullable();
    // run: the step itself; compensate: its undo.
    t.text('kind').notNullable().defaultTo('run');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('idempotency_key').notNullable();
    t.text('output');
    t.jsonb('output_summary');
    t.text('last_error');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.unique(['run_id', 'kind', 'position']);
    t.index(['finished_at'], 'workflow_steps_finished_at_idx');
  });
  await knex.raw(`ALTER TABLE workflow_steps ADD CONSTRAINT workflow_steps_status_check CHECK (status IN (${list(STEP_STATUSES)}))`);
  await knex.raw(`ALTER TABLE workflow_steps ADD CONSTRAINT workflow_steps_kind_check CHECK (kind IN ('run', 'compensate'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('workflow_steps');
  await knex.schema.dropTableIfExists('workflow_runs');
}
