/**
 * What the portal shows while an account is being set up: "step 3 of 6" and the step's name, or,
 * when the set-up failed, a neutral message (staff are told the real error; a client never sees
 * it). Reads the answer of `GET /hosting-accounts/:id/progress`, or the account's own
 * `setupProgress` (`{ step, of, label, failed? }`, null once done).
 */
export interface ProgressAnswer {
  status?: string;
  step?: number;
  /** Steps in all (`total` or the account column's `of`). */
  total?: number;
  of?: number;
  /** The current step's name (`current` or `label`). */
  current?: string | null;
  label?: string | null;
  failed?: boolean;
  done?: boolean;
  /** The client-safe message, when the operation has one. */
  clientMessage?: string | null;
}

export type SetupView =
  | { kind: 'running'; step: number; total: number; current: string | null }
  | { kind: 'done' }
  | { kind: 'failed'; message: string | null };

const FAILED = new Set(['needs_attention', 'failed', 'cancelled']);
const DONE = new Set(['succeeded', 'done', 'active']);
const whole = (v: unknown, fallback: number) => Math.floor(Number(v ?? fallback)) || fallback;

/** null (no set-up in progress) is "done": the account exists. */
export function setupView(p: ProgressAnswer | null | undefined): SetupView {
  if (!p) return { kind: 'done' };
  const status = p.status ?? 'running';
  if (p.failed || FAILED.has(status)) return { kind: 'failed', message: p.clientMessage ?? null };
  if (p.done || DONE.has(status)) return { kind: 'done' };
  const total = Math.max(1, whole(p.total ?? p.of, 1));
  // A step the API has not counted yet (queued) shows as the first; never past the last.
  const step = Math.min(total, Math.max(1, whole(p.step, 1)));
  return { kind: 'running', step, total, current: p.current ?? p.label ?? null };
}

/** How long to wait before asking again: often at first, then less (a stuck set-up is staff's to fix). */
export const pollDelay = (attempt: number): number => Math.min(15_000, 2_000 + attempt * 1_000);
