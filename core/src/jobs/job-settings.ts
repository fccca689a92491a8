/** How a queue runs its jobs; both backends take the same settings. */
export interface JobQueueSettings {
  /** How long a worker holds a job between heartbeats (JOB_LEASE_MS). A dead worker's job is taken over after it. */
  leaseMs: number;
  /** Jobs one process runs at once (JOB_SLOTS). */
  slots: number;
  /** How long `stop()` waits for running jobs before leaving them to their leases (JOB_STOP_GRACE_MS). */
  stopGraceMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobQueueSettings = { leaseMs: 60_000, slots: 4, stopGraceMs: 30_000 };

/** Heartbeats per lease: a worker may miss two in a row (a long GC pause, a slow query) and still hold its job. */
export const HEARTBEATS_PER_LEASE = 3;
