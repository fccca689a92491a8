import { workflowErrorKind, type RetryPolicy } from '@mpanel/sdk';

/** Exponential backoff with jitter: between half and all of `backoffMs * 2^(try-1)`, capped. */
export function retryDelay(policy: Required<RetryPolicy>, attempt: number, random = Math.random): number {
  const full = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

export type StepVerdict = { kind: 'retry'; delayMs: number } | { kind: 'fail' } | { kind: 'attention' };

/** What to do after a step's try number `attempt` threw `err`. */
export function verdict(err: unknown, attempt: number, policy: Required<RetryPolicy>, onExhausted: 'fail' | 'needs_attention'): StepVerdict {
  const kind = workflowErrorKind(err);
  if (kind === 'attention') return { kind: 'attention' };
  if (kind === 'final') return { kind: 'fail' };
  if (attempt < policy.attempts) return { kind: 'retry', delayMs: retryAfter(err) ?? retryDelay(policy, attempt) };
  return onExhausted === 'needs_attention' ? { kind: 'attention' } : { kind: 'fail' };
}

/** A step that knows when to try again (a provider's Retry-After, a plugin's own schedule) says so with `retryAfterMs`. */
function retryAfter(err: unknown): number | undefined {
  const ms = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : undefined;
}

export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return text.slice(0, 2000);
}
