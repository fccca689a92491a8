import { NeedsAttention } from '@mpanel/sdk';
import { MAX_TRIES, retryDelay } from './retry-schedule.ts';

/** What the portal says when a module gave no safe text: staff are on it, never the raw error. */
export const NEUTRAL_CLIENT_MESSAGE = 'We are finishing the setup of your hosting; our staff have been notified and are on it.';

/** A failure as the engine records it on the operation. */
export interface Classified {
  code: string;
  message: string;
  clientMessage: string;
  retryable: boolean;
  ambiguous: boolean;
  retryAfterMs?: number;
}

/** Reads any error: a module's ProvisioningError (by shape, across SDK copies), or anything else (a bug, the database). */
export function classify(err: unknown): Classified {
  const e = err as { name?: string; code?: unknown; message?: unknown; retryable?: unknown; ambiguous?: unknown; opts?: { retryAfterMs?: unknown; clientMessage?: unknown } } | null;
  if (e && e.name === 'ProvisioningError' && typeof e.code === 'string') {
    const after = e.opts?.retryAfterMs;
    return {
      code: e.code, message: String(e.message ?? e.code).slice(0, 2000),
      clientMessage: typeof e.opts?.clientMessage === 'string' ? e.opts.clientMessage.slice(0, 500) : NEUTRAL_CLIENT_MESSAGE,
      retryable: e.retryable === true, ambiguous: e.ambiguous === true,
      ...(typeof after === 'number' ? { retryAfterMs: after } : {}),
    };
  }
  // Not a module's verdict: a timeout of the step, a lost connection, a bug. Retried; when it was
  // cut off mid-call the outcome is unknown, so the next try observes first.
  const timeout = e?.name === 'StepTimeoutError' || e?.name === 'AbortError';
  return { code: timeout ? 'TIMEOUT' : 'REMOTE_ERROR', message: err instanceof Error ? err.message.slice(0, 2000) : String(err), clientMessage: NEUTRAL_CLIENT_MESSAGE, retryable: true, ambiguous: timeout };
}

/** A retryable failure handed to the workflow runtime: it waits `retryAfterMs` before the next try. */
export class RetryLater extends Error {
  readonly retryable = true;
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
    this.name = 'RetryLater';
  }
}

export type Decision = { kind: 'retry'; delayMs: number } | { kind: 'attention' };

/** After try number `attempt` of a step failed with `c`: back off on schedule, or a person looks. */
export function decide(c: Classified, attempt: number): Decision {
  if (!c.retryable || attempt >= MAX_TRIES) return { kind: 'attention' };
  const delayMs = retryDelay(attempt, c.retryAfterMs);
  return delayMs === null ? { kind: 'attention' } : { kind: 'retry', delayMs };
}

export function toWorkflowError(c: Classified, d: Decision): Error {
  return d.kind === 'retry' ? new RetryLater(`${c.code}: ${c.message}`, d.delayMs) : new NeedsAttention(`${c.code}: ${c.message}`);
}
