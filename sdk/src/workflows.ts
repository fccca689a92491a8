import type { Knex } from 'knex';
import type { PluginLogger } from './logger.ts';

/**
 * Durable workflows: long work (provisioning, certificates, DNS pushes) as named steps whose
 * progress is stored in the database. A run survives the death of its worker and resumes at the
 * step that was running, which then runs again: make every outside call idempotent with
 * `step.idempotencyKey`.
 *
 * ```ts
 * ctx.workflows.define({
 *   name: 'provision',
 *   steps: [
 *     step('create-account', { run: (s) => panel.createAccount(s.input, s.idempotencyKey), compensate: (s) => panel.remove(s.output) }),
 *     step('set-dns', { run: (s) => dns.point(s.results['create-account']) }),
 *   ],
 * });
 * await ctx.workflows.start('provision', { serviceId }, { subject: `service:${serviceId}`, supersede: true });
 * ```
 */

/**
 * A retryable error may carry `retryAfterMs` (a number): the next try then waits exactly that long
 * instead of the policy's backoff (a provider's Retry-After, or a plugin's own schedule).
 */
export interface RetryPolicy {
  /** Tries in all, the first included (default 3). */
  attempts?: number;
  /** Delay before the second try; doubles each try, with jitter (default 1000 ms). */
  backoffMs?: number;
  /** Upper bound of one delay (default 60 000 ms). */
  maxBackoffMs?: number;
}

export interface StepContext<I = any, O = unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  runId: string;
  tenantId: string;
  /** The step's name. */
  step: string;
  /** `<runId>:<step>`: the same on every try of this step; send it to providers as their idempotency key. */
  idempotencyKey: string;
  /** 1 on the first try. */
  attempt: number;
  /** The run's input. */
  input: I;
  /** The outputs of the steps that completed before this one, by step name. */
  results: Record<string, unknown>;
  /** In a compensation: what this step's `run` returned. */
  output: O | undefined;
  /** Aborted when the step's timeout is reached (or its worker loses the run): pass it to fetch and friends. */
  signal: AbortSignal;
  logger: PluginLogger;
  /** A transaction in the run's tenant (system principal). Keep provider calls outside it. */
  transaction<R>(fn: (trx: Knex.Transaction) => Promise<R>): Promise<R>;
}

export interface StepOptions<I = any, O = unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  run(step: StepContext<I, O>): O | Promise<O>;
  /** Undoes `run` when a later step fails for good (or the run is cancelled with compensation). */
  compensate?(step: StepContext<I, O>): unknown | Promise<unknown>;
  /** One try's time limit (default 300 000 ms); reaching it counts as a (retryable) failure. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Output keys to hide in the stored summary (besides password, secret, token, key...). */
  secret?: string[];
}

export interface StepDefinition<I = any, O = unknown> extends StepOptions<I, O> { // eslint-disable-line @typescript-eslint/no-explicit-any
  name: string;
}

/** A named step: `step('create-account', { run, compensate })`. */
export function step<I = any, O = unknown>(name: string, options: StepOptions<I, O>): StepDefinition<I, O> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return { name, ...options };
}

export interface WorkflowDefinition<I = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Kebab case, unique within the plugin. */
  name: string;
  steps: StepDefinition<I>[];
  /** Retry policy of steps that have none. */
  retry?: RetryPolicy;
  /** A step that used up its tries: `fail` (default) compensates and fails the run; `needs_attention` stops for a person. */
  onExhausted?: 'fail' | 'needs_attention';
  /** Run the compensations when a run is cancelled (default false). */
  compensateOnCancel?: boolean;
  /** Holders of this permission are told when a run needs attention (default `workflows.manage`). */
  attentionPermission?: string;
}

export interface StartOptions {
  /** What the run acts on (`service:<id>`): runs of one workflow for one subject run one after the other. */
  subject?: string;
  /** Last intent wins: older runs of this workflow for this subject that have not started are superseded; a running one stops after its current step. */
  supersede?: boolean;
  /** Default: the tenant of the current request, job or handler. */
  tenantId?: string;
}

export interface PluginWorkflows {
  /** Declares a workflow (register phase). */
  define<I>(definition: WorkflowDefinition<I>): void;
  /**
   * Starts a run; resolves to its id. Inside a request or handler transaction the run is written
   * in that transaction: it starts only if it commits.
   */
  start<I>(name: string, input: I, options?: StartOptions): Promise<string>;
}

const WORKFLOW_ERROR = Symbol.for('mpanel.WorkflowError');

/** A failure that retrying cannot fix: the step fails at once (compensations follow). */
export class FinalError extends Error {
  readonly [WORKFLOW_ERROR] = 'final';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A person must look: the run stops in `needs_attention` (no compensation); retry resumes it at this step. */
export class NeedsAttention extends Error {
  readonly [WORKFLOW_ERROR] = 'attention';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** How the runtime reads an error (works across copies of the SDK). */
export function workflowErrorKind(err: unknown): 'retryable' | 'final' | 'attention' {
  const e = err as { [WORKFLOW_ERROR]?: unknown; retryable?: unknown } | null;
  if (e && typeof e === 'object') {
    if (e[WORKFLOW_ERROR] === 'attention') return 'attention';
    if (e[WORKFLOW_ERROR] === 'final' || e.retryable === false) return 'final';
  }
  return 'retryable';
}
