import { withTimeout } from '../../plugins/with-timeout.ts';
import type { QueueRow } from './database-gauges.ts';

/** BullMQ's commands wait for Redis to come back; a scrape or probe must not. */
const READ_TIMEOUT_MS = 1000;

/** The part of a BullMQ `Queue` the gauges read. */
interface BullQueueLike {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getJobs(types: string[], start: number, end: number, asc: boolean): Promise<Array<{ timestamp: number; delay?: number } | undefined>>;
}

const STATES = ['wait', 'active', 'delayed', 'prioritized', 'failed'];

/**
 * Depth and oldest waiting job of the BullMQ queue, when the job queue is BullMQ (found by shape,
 * so the job queue's code needs no hook): undefined otherwise. While Redis does not answer, the
 * rows are left out (the readiness check and the alert on Redis say so), rather than the scrape hanging.
 */
export function bullQueueRows(jobQueue: unknown): (() => Promise<QueueRow[]>) | undefined {
  const queue = (jobQueue as { queue?: BullQueueLike }).queue;
  if (!queue || typeof queue.getJobCounts !== 'function' || typeof queue.getJobs !== 'function') return undefined;
  return async () => {
    const [counts, [oldest]] = await withTimeout(() => Promise.all([queue.getJobCounts(...STATES), queue.getJobs(['wait'], 0, 0, true)]), READ_TIMEOUT_MS, 'BullMQ queue depth');
    return STATES.map((state) => ({
      queue: queue.name,
      state: state === 'wait' ? 'waiting' : state,
      count: counts[state] ?? 0,
      oldestDueAgeSeconds: state === 'wait' ? (oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0) : null,
    }));
  };
}
