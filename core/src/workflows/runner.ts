import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { PluginLogger } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import type { ResolvedWorkflow, WorkflowRegistry } from './definitions.ts';
import { Lease, StepInterrupted } from './lease.ts';
import { executeStep } from './execute-step.ts';
import { errorMessage, verdict } from './retry-policy.ts';
import { summarize } from './redact.ts';
import type { RunRow, RunStatus, RunStore, StepRow } from './run-store.ts';
import type { SealedState } from './sealed-state.ts';

export interface RunnerOptions {
  /** How long a worker's hold on a run lasts without a heartbeat (WORKFLOW_LEASE_MS, default 30 s). */
  leaseMs: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatMs: number;
}

export interface RunnerDeps {
  store: RunStore;
  registry: WorkflowRegistry;
  state: SealedState;
  appKnex: Knex;
  logger: Logger;
  /** Queues an advance of the run (after `delayMs`). */
  kick(runId: string, delayMs?: number): Promise<void>;
  /** Tells people that a run needs attention (once). */
  needsAttention(run: RunRow, def: ResolvedWorkflow): Promise<void>;
  /** Loads what steps read synchronously about the tenant (its plugin states: `extensions.list` fails closed without). */
  prepareTenant(tenantId: string): Promise<void>;
}

type Next = 'continue' | 'stop';

/**
 * Moves runs forward. `advance` takes a run's lease, then runs its steps one by one, each try
 * outside any transaction, committing each result before the next step starts; when a step fails
 * for good, the completed steps' compensations run in reverse order. Between steps it rereads the
 * run, so a cancel or a newer run (supersede) takes effect at the next step boundary. A retry
 * after a backoff gives the run back and queues a delayed kick.
 */
export class WorkflowRunner {
  private readonly leases = new Set<Lease>();
  private stopping = false;

  constructor(private readonly deps: RunnerDeps, private readonly options: RunnerOptions) {}

  async advance(runId: string): Promise<void> {
    if (this.stopping) return;
    const { store, registry } = this.deps;
    const owner = randomUUID();
    const run = await store.claim(runId, owner, this.options.leaseMs);
    if (!run) return; // finished, not due, or another worker holds it
    const def = registry.get(run.name);
    if (!def) {
      // Its plugin is not running here: try again later rather than fail it.
      await store.release(run.id, owner, { next_attempt_at: new Date(Date.now() + 60_000), last_error: `workflow "${run.name}" is not defined (plugin not active)` });
      return;
    }
    const lease = new Lease(store, run.id, owner, this.options.leaseMs, this.options.heartbeatMs);
    this.leases.add(lease);
    lease.start();
    try {
      await this.deps.prepareTenant(run.tenant_id);
      while ((await this.next(lease, def)) === 'continue');
    } finally {
      lease.stop();
      this.leases.delete(lease);
    }
  }

  /** Interrupts the steps in flight and gives their runs back (another worker resumes them). */
  stop(): void {
    this.stopping = true;
    for (const lease of this.leases) lease.interrupt('the worker is stopping');
  }

  private async next(lease: Lease, def: ResolvedWorkflow): Promise<Next> {
    const { store } = this.deps;
    const run = await store.reload(lease.runId, lease.owner);
    if (!run) return 'stop';
    if (this.stopping) {
      await store.release(run.id, lease.owner, { kicked_at: null }); // the sweeper of any live worker picks it up at once
      return 'stop';
    }
    const steps = await store.steps(run.id);
    const row = (kind: 'run' | 'compensate', position: number) => steps.find((s) => s.kind === kind && s.position === position);
    if (run.phase === 'forward') {
      if (run.cancel_requested) return this.cancel(run, lease, def, steps);
      if (run.superseded_by) return this.finish(run, lease, 'superseded');
      const position = def.steps.findIndex((_, i) => row('run', i)?.status !== 'succeeded');
      if (position === -1) return this.finish(run, lease, 'succeeded');
      return this.tryStep(run, lease, def, steps, 'run', position);
    }
    const undo = def.steps
      .map((_, i) => i)
      .reverse()
      .find((i) => def.steps[i]!.compensate && row('run', i)?.status === 'succeeded' && row('compensate', i)?.status !== 'succeeded');
    if (undo === undefined) return this.finish(run, lease, run.compensate_outcome ?? 'failed');
    return this.tryStep(run, lease, def, steps, 'compensate', undo);
  }

  private async tryStep(run: RunRow, lease: Lease, def: ResolvedWorkflow, steps: StepRow[], kind: 'run' | 'compensate', position: number): Promise<Next> {
    const { store, state } = this.deps;
    const step = def.steps[position]!;
    const attempt = await store.beginStep(run, lease.owner, { position, name: step.name, kind });
    if (attempt === undefined) return 'stop';
    const results: Record<string, unknown> = {};
    for (const s of steps) if (s.kind === 'run' && s.status === 'succeeded') results[s.name] = state.open(s.output, run.tenant_id, run.id);
    const idempotencyKey = `${run.id}:${step.name}${kind === 'compensate' ? ':compensate' : ''}`;
    const logger = this.deps.logger.child({ workflow: run.name, runId: run.id, step: step.name, kind, attempt }) as unknown as PluginLogger;
    const fn = kind === 'run' ? step.run : step.compensate!;
    try {
      // The tenant's plugin states are cached for seconds only: a step that starts long after the
      // claim (slow steps before it) must not find extensions "disabled" (they fail closed).
      await this.deps.prepareTenant(run.tenant_id);
      const output = await executeStep({
        fn: fn as never,
        context: { runId: run.id, tenantId: run.tenant_id, step: step.name, idempotencyKey, attempt, input: state.open(run.input, run.tenant_id, run.id), results, output: kind === 'compensate' ? results[step.name] : undefined },
        timeoutMs: step.timeoutMs, interrupt: lease.stepSignal(), appKnex: this.deps.appKnex, logger,
      });
      const done = { status: 'succeeded', finished_at: new Date(), last_error: null };
      if (kind === 'run') return (await store.endStep(run.id, lease.owner, 'run', position, { ...done, output: state.seal(output, run.tenant_id, run.id), output_summary: JSON.stringify(summarize(output, step.secret)) })) ? 'continue' : 'stop';
      if (!(await store.endStep(run.id, lease.owner, 'compensate', position, { ...done, output_summary: JSON.stringify(summarize(output, step.secret)) }))) return 'stop';
      return (await store.endStep(run.id, lease.owner, 'run', position, { status: 'compensated' })) ? 'continue' : 'stop';
    } catch (err) {
      return this.failed(run, lease, def, kind, position, attempt, err);
    }
  }

  private async failed(run: RunRow, lease: Lease, def: ResolvedWorkflow, kind: 'run' | 'compensate', position: number, attempt: number, err: unknown): Promise<Next> {
    const { store } = this.deps;
    const step = def.steps[position]!;
    const message = errorMessage(err);
    const interrupted = err instanceof StepInterrupted;
    if (interrupted && (this.stopping || !lease.held)) {
      // Not the step's fault: whoever holds the run next tries it again.
      await store.endStep(run.id, lease.owner, kind, position, { status: 'waiting', last_error: message });
      if (lease.held) await store.release(run.id, lease.owner, { kicked_at: null }); // swept at once, by any live worker
      return 'stop';
    }
    if (interrupted || lease.cancelRequested) {
      await store.endStep(run.id, lease.owner, kind, position, { status: 'failed', last_error: message, finished_at: new Date() });
      return 'continue'; // the loop sees the cancel
    }
    const v = verdict(err, attempt, step.retry, def.onExhausted);
    this.deps.logger.warn({ workflow: run.name, runId: run.id, step: step.name, kind, attempt, verdict: v.kind, err: message }, 'workflow step failed');
    const where = kind === 'compensate' ? `compensation of ${step.name}` : step.name;
    if (v.kind === 'retry') {
      await store.endStep(run.id, lease.owner, kind, position, { status: 'waiting', last_error: message });
      if (await store.release(run.id, lease.owner, { next_attempt_at: new Date(Date.now() + v.delayMs), last_error: `${where}: ${message}` })) await this.deps.kick(run.id, v.delayMs);
      return 'stop';
    }
    await store.endStep(run.id, lease.owner, kind, position, { status: 'failed', last_error: message, finished_at: new Date() });
    if (v.kind === 'fail' && kind === 'run') {
      return (await store.updateRun(run.id, lease.owner, { phase: 'compensate', compensate_outcome: 'failed', status: 'compensating', last_error: `${where}: ${message}` })) ? 'continue' : 'stop';
    }
    // NeedsAttention, exhausted tries the workflow sends to a person, or a compensation that failed for good.
    if (!(await store.release(run.id, lease.owner, { status: 'needs_attention', last_error: `${where}: ${message}` }))) return 'stop';
    await this.deps.needsAttention({ ...run, last_error: `${where}: ${message}` }, def);
    return 'stop';
  }

  private async cancel(run: RunRow, lease: Lease, def: ResolvedWorkflow, steps: StepRow[]): Promise<Next> {
    const undo = def.compensateOnCancel && steps.some((s) => s.kind === 'run' && s.status === 'succeeded' && def.steps[s.position]?.compensate);
    if (!undo) return this.finish(run, lease, 'cancelled');
    lease.cancelRequested = false; // answered: the compensations must not read as cancelled too
    return (await this.deps.store.updateRun(run.id, lease.owner, { phase: 'compensate', compensate_outcome: 'cancelled', status: 'compensating', cancel_requested: false })) ? 'continue' : 'stop';
  }

  private async finish(run: RunRow, lease: Lease, status: RunStatus): Promise<Next> {
    const { store } = this.deps;
    if (!(await store.release(run.id, lease.owner, { status, finished_at: new Date(), cancel_requested: false, ...(status === 'succeeded' ? { last_error: null } : {}) }))) return 'stop';
    // The next run for the same subject was waiting for this one.
    for (const id of await store.waitingBehind(run)) await this.deps.kick(id);
    return 'stop';
  }
}
