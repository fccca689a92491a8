import type { Knex } from 'knex';
import type { PluginWorkflows, StartOptions, WorkflowDefinition } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { WakeableLoop } from '../events/wakeable-loop.ts';
import { currentExecution, outsideExecution } from '../plugins/execution-scope.ts';
import { applyTenantContext } from '../tenancy/context.ts';
import { WorkflowRegistry, type ResolvedWorkflow } from './definitions.ts';
import { RunStore, type RunRow } from './run-store.ts';
import { WorkflowRunner, type RunnerOptions } from './runner.ts';
import type { SealedState } from './sealed-state.ts';
import { insertRun } from './start-run.ts';

/** The job that advances one run: `core.workflows.advance` with `{ runId }`. */
export const ADVANCE_JOB = { owner: 'core', name: 'workflows.advance' } as const;

export interface RuntimeOptions extends RunnerOptions {
  /** How often the sweeper looks for runs whose worker is gone (default: the lease). */
  sweepMs: number;
  /** Runs this process advances at once. */
  concurrency: number;
}

export interface RuntimeDeps {
  knex: Knex;
  appKnex: Knex;
  logger: Logger;
  state: SealedState;
  jobQueue: () => JobQueue;
  needsAttention(run: RunRow, def: ResolvedWorkflow): Promise<void>;
  prepareTenant(tenantId: string): Promise<void>;
}

/**
 * Core's workflow runtime: definitions, starting runs, kicks through the job queue (an advance
 * job per kick, with a job id per kick number so a repeated kick is one job) and a sweeper that
 * re-kicks runs whose lease ran out (their worker died) or whose kick got lost, and sends the
 * needs-attention notices a dying worker did not.
 */
export class WorkflowRuntime {
  readonly registry = new WorkflowRegistry();
  readonly store: RunStore;
  readonly runner: WorkflowRunner;
  readonly sweeper: WakeableLoop;
  private readonly active = new Set<Promise<void>>();
  private deferred = false;

  constructor(private readonly deps: RuntimeDeps, readonly options: RuntimeOptions) {
    this.store = new RunStore(deps.knex);
    this.runner = new WorkflowRunner({ store: this.store, registry: this.registry, state: deps.state, appKnex: deps.appKnex, logger: deps.logger, kick: (id, delay) => this.kick(id, delay), needsAttention: deps.needsAttention, prepareTenant: deps.prepareTenant }, options);
    this.sweeper = new WakeableLoop(() => this.sweep(), (err) => deps.logger.error({ err }, 'workflow sweeper failed'), options.sweepMs);
  }

  define(owner: string, def: WorkflowDefinition): ResolvedWorkflow {
    return this.registry.define(owner, def as WorkflowDefinition);
  }

  /**
   * Starts a run of `<owner>.<name>`. In the caller's transaction when there is one for that
   * tenant (the run exists only if it commits; it is kicked after the commit), else in its own.
   */
  async start(owner: string, name: string, input: unknown, options: StartOptions = {}): Promise<string> {
    const def = this.registry.get(`${owner}.${name}`);
    if (!def) throw new Error(`Workflow "${owner}.${name}" is not defined (ctx.workflows.define it in register)`);
    if (options.subject !== undefined && (typeof options.subject !== 'string' || !options.subject || options.subject.length > 300)) {
      throw new Error(`Workflow "${def.fullName}": subject must be a string of 1 to 300 characters`);
    }
    const exec = currentExecution();
    const tenantId = options.tenantId ?? exec?.tenantId;
    if (!tenantId) throw new Error(`Workflow "${def.fullName}": no tenant (pass { tenantId } outside a request, job or handler)`);
    const trx = exec?.tenantId === tenantId ? exec.trx() : null;
    if (trx) {
      const id = await insertRun(trx, def, tenantId, input, options, this.deps.state);
      exec!.afterCommit(() => this.kick(id));
      return id;
    }
    const id = await this.deps.appKnex.transaction(async (own: Knex.Transaction) => {
      await applyTenantContext(own, tenantId);
      return insertRun(own, def, tenantId, input, options, this.deps.state);
    });
    await this.kick(id);
    return id;
  }

  /** Queues an advance of the run; never in a caller's transaction (the run's row must be committed). */
  async kick(runId: string, delayMs = 0): Promise<void> {
    await outsideExecution(async () => {
      const k = await this.store.nextKick(runId);
      if (!k) return;
      await this.deps.jobQueue().enqueue(ADVANCE_JOB.owner, ADVANCE_JOB.name, { runId }, { jobId: `${runId}:${k.kick_seq}`, tenantId: k.tenant_id, delayMs });
    });
  }

  /** The SDK's `ctx.workflows` of one plugin. */
  forPlugin(owner: string, declaring: (what: string) => void): PluginWorkflows {
    return {
      define: (def) => {
        declaring('ctx.workflows.define');
        this.define(owner, def as WorkflowDefinition);
      },
      start: (name, input, options) => this.start(owner, name, input, options),
    };
  }

  /**
   * The advance job's handler. The run goes on in the background, under its lease, so a long step
   * never holds one of the job queue's slots (mail and billing jobs keep flowing); the job only
   * hands it over. At capacity the run is left for the next sweep.
   */
  async dispatch(runId: string): Promise<void> {
    if (this.active.size >= this.options.concurrency) {
      await this.store.unkick(runId);
      this.deferred = true;
      return;
    }
    // Detached from the job's execution: the run outlives the job.
    const running: Promise<void> = outsideExecution(() => this.runner.advance(runId))
      .catch((err: unknown) => this.deps.logger.error({ err, runId }, 'workflow run failed to advance (it resumes after its lease)'))
      .finally(() => {
        this.active.delete(running);
        if (this.deferred) {
          this.deferred = false;
          this.sweeper.wake(); // the runs left at capacity
        }
      });
    this.active.add(running);
  }

  /** Resolves when this process advances no run (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  private async sweep(): Promise<number> {
    for (;;) {
      const due = await this.store.dueForKick(this.options.leaseMs, 100);
      for (const run of due) {
        await this.deps.jobQueue().enqueue(ADVANCE_JOB.owner, ADVANCE_JOB.name, { runId: run.id }, { jobId: `${run.id}:${run.kick_seq}`, tenantId: run.tenant_id });
      }
      if (due.length < 100) break;
    }
    for (const run of await this.store.unnoticed(this.options.leaseMs, 50)) {
      const def = this.registry.get(run.name);
      if (def) await this.deps.needsAttention(run, def);
    }
    return Date.now() + this.options.sweepMs;
  }

  /** Interrupts the runs in flight and waits until they are given back. */
  async stop(): Promise<void> {
    this.runner.stop();
    await this.sweeper.stop();
    await this.idle();
  }
}
