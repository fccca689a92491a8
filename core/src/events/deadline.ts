/** The longest delay a Node timer keeps (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Thrown when work runs past its time; `signal` of the work has been aborted with it. */
export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Runs `work` with an AbortSignal and settles when it does or when `ms` have passed, whichever
 * comes first. A timed-out `work` cannot be stopped, only told: its signal is aborted, and the
 * caller makes sure nothing it does later takes effect (its savepoint is gone).
 */
export async function withDeadline<T>(what: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineExceeded(what, ms);
      controller.abort(err);
      reject(err);
    }, Math.min(ms, MAX_TIMER_MS));
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
