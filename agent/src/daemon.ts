import { AGENT_OPS, refusalResult, verifyEnvelope, type JobEnvelope, type SignedJob } from '@mpanel/sdk/agent-protocol';
import type { OpResult } from './ops/index.ts';
import type { Journal } from './journal.ts';
import { PanelClient } from './panel-client.ts';
import type { AgentState } from './state.ts';
import { KeyedLock } from './keyed-lock.ts';
import { backoffMs, sleep } from './backoff.ts';

/** Runs one op: the real registry (`runOp` of ./ops) or a fake in tests. Never throws. */
export type OpRunner = (name: string, params: unknown, signal?: AbortSignal) => Promise<OpResult>;

export interface AgentLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AgentDaemonOptions {
  state: AgentState;
  privateKeyPem: string;
  journal: Journal;
  runOp: OpRunner;
  allowedOps?: readonly string[];
  logger?: AgentLogger;
  /** Poll failures back off from initialMs, doubling up to maxMs (default 1 s … 60 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** How long stop() lets running jobs finish before aborting them (default 30 s). */
  stopGraceMs?: number;
  now?: () => Date;
}

const quiet: AgentLogger = { info: () => undefined, warn: () => undefined };

/** The resource a job acts on: jobs on one account run one after the other. */
function resourceKey(envelope: JobEnvelope): string {
  const params = envelope.params as { username?: unknown } | null;
  return typeof params?.username === 'string' ? `account:${params.username}` : `op:${envelope.op}`;
}

/**
 * The agent's main loop: long-poll the panel, verify each job (signature, server, tenant, expiry,
 * allow-list), answer re-delivered jobs from the journal, run new ones one per resource, store the
 * result durably, then report it. Poll failures back off; stop() ends the poll and lets running
 * jobs finish.
 */
export class AgentDaemon {
  private readonly client: PanelClient;
  private readonly lock = new KeyedLock();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly jobsAbort = new AbortController();
  private readonly log: AgentLogger;
  private loop: Promise<void> | undefined;
  /** Consecutive poll failures (exposed for tests and status). */
  failures = 0;
  /** Times ops actually ran (a replayed job must not add one). */
  runs = 0;

  constructor(private readonly options: AgentDaemonOptions) {
    this.client = new PanelClient(options.state, options.privateKeyPem);
    this.log = options.logger ?? quiet;
  }

  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const grace = sleep(this.options.stopGraceMs ?? 30_000).then(() => this.jobsAbort.abort());
    await Promise.race([Promise.allSettled([...this.inflight.values()]), grace]);
    await this.loop?.catch(() => undefined);
    await Promise.allSettled([...this.inflight.values()]);
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    while (!this.stopping.signal.aborted) {
      let jobs: SignedJob[];
      try {
        await this.flushUnreported();
        jobs = (await this.client.poll(this.stopping.signal)).jobs ?? [];
        this.failures = 0;
      } catch (err) {
        if (this.stopping.signal.aborted) break;
        this.failures += 1;
        const wait = backoffMs(this.failures, initialMs, maxMs);
        this.log.warn({ err: (err as Error).message, failures: this.failures, retryInMs: wait }, 'poll failed');
        await sleep(wait, this.stopping.signal);
        continue;
      }
      for (const job of jobs) this.dispatch(job);
    }
  }

  /** Handles one delivered job without waiting for it (other resources go on in parallel). */
  dispatch(job: SignedJob): void {
    const { state } = this.options;
    const verdict = verifyEnvelope(job, {
      panelPublicKey: state.panelPublicKey, serverId: state.serverId, tenantId: state.tenantId,
      allowedOps: this.options.allowedOps ?? AGENT_OPS, now: this.options.now?.(),
    });
    if (!verdict.ok) {
      this.log.warn({ jobId: verdict.jobId, reason: verdict.reason }, `job refused: ${verdict.message}`);
      // Reported (so the panel stops waiting) but never journaled: a forged job must not decide
      // what the real job of that id answers.
      if (verdict.jobId) void this.report(verdict.jobId, refusalResult(verdict.reason, verdict.message), false);
      return;
    }
    const { jobId } = verdict.envelope;
    const stored = this.options.journal.get(jobId);
    if (stored) {
      this.log.info({ jobId }, 'job delivered again: answering with the stored result');
      void this.report(jobId, stored, true);
      return;
    }
    if (this.inflight.has(jobId)) return; // still running: its result is reported when done
    const work = this.lock.run(resourceKey(verdict.envelope), () => this.execute(verdict.envelope))
      .catch((err: unknown) => this.log.warn({ jobId, err: (err as Error).message }, 'job failed to complete'))
      .finally(() => this.inflight.delete(jobId));
    this.inflight.set(jobId, work);
  }

  private async execute(envelope: JobEnvelope): Promise<void> {
    // Checked again under the lock: the same id may have finished while this one waited.
    const stored = this.options.journal.get(envelope.jobId);
    if (!stored) {
      this.runs += 1;
      const started = Date.now();
      const result = await this.options.runOp(envelope.op, envelope.params, this.jobsAbort.signal);
      this.log.info({ jobId: envelope.jobId, op: envelope.op, ok: result.ok, code: result.code, ms: Date.now() - started }, 'job ran');
      await this.options.journal.record(envelope.jobId, result);
    }
    await this.report(envelope.jobId, this.options.journal.get(envelope.jobId)!, true);
  }

  private async report(jobId: string, result: OpResult, journaled: boolean): Promise<void> {
    try {
      await this.client.result(jobId, result);
      if (journaled) await this.options.journal.markReported(jobId);
    } catch (err) {
      // Kept unreported in the journal: sent again before the next poll.
      this.log.warn({ jobId, err: (err as Error).message }, 'result not delivered; will retry');
    }
  }

  private async flushUnreported(): Promise<void> {
    for (const { jobId, result } of this.options.journal.unreported()) {
      if (this.inflight.has(jobId)) continue;
      await this.client.result(jobId, result);
      await this.options.journal.markReported(jobId);
    }
  }
}
