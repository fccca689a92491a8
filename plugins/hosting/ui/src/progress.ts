/**
 * What the portal shows while an account is being set up: "step 3 of 6" and the step's name, or,
 * when the set-up failed, a neutral message (staff are told the real error; a client never sees
 * it). Reads the answer of `GET /hosting-accounts/:id/progress` (`{ state, step, of, label,
 * message }`) or the account's own `setupProgress` (`{ step, of, label, failed? }`, null once done).
 */
export interface ProgressAnswer {
  /** `setting_up`, `ready` or `needs_staff` (the progress route). */
  state?: string;
  step?: number;
  of?: number;
  label?: string | null;
  failed?: boolean;
  /** The progress route's client-safe sentence (neutral on failure). */
  message?: string | null;
}

export type SetupView =
  | { kind: 'running'; step: number; total: number; current: string | null }
  | { kind: 'done' }
  | { kind: 'failed'; message: string | null };

const whole = (v: unknown, fallback: number) => Math.floor(Number(v ?? fallback)) || fallback;

/** null (no set-up in progress) is "done": the account exists. */
export function setupView(p: ProgressAnswer | null | undefined): SetupView {
  if (!p || p.state === 'ready') return { kind: 'done' };
  // Only the route's own sentence is shown on failure: it is written for clients.
  if (p.failed || p.state === 'needs_staff') return { kind: 'failed', message: p.state === 'needs_staff' ? (p.message ?? null) : null };
  const total = Math.max(1, whole(p.of, 1));
  // A step the API has not counted yet shows as the first; never past the last.
  const step = Math.min(total, Math.max(1, whole(p.step, 1)));
  return { kind: 'running', step, total, current: p.label ?? null };
}

/** How long to wait before asking again: often at first, then less (a stuck set-up is staff's to fix). */
export const pollDelay = (attempt: number): number => Math.min(15_000, 2_000 + attempt * 1_000);
