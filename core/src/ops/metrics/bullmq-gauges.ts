import type { QueueRow } from './database-gauges.ts';

/** The part of a BullMQ `Queue` the gauges read. */
interface BullQueueLike {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getJobs(types: string[], start: number, end: number, asc: boolean): Promise<Array<{ timestamp: number; delay?: number } | undefined>>;
}

const STATES = ['wait', 'active', 'delayed', 'prioritized', 'failed'];

/**
 * Depth and oldest waiting job of the BullMQ queue, when the job queue is BullMQ (found by shape,
 * so the job queue's code needs no hook): undefined otherwise.
 */
export function bullQueueRows(jobQueue: unknown): (() => Promise<QueueRow[]>) | undefined {
  const queue = (jobQueue as { queue?: BullQueueLike }).queue;
  if (!queue || typeof queue.getJobCounts !== 'function' || typeof queue.getJobs !== 'function') return undefined;
  return async () => {
    const counts = await queue.getJobCounts(...STATES);
    const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
    return STATES.map((state) => ({
      queue: queue.name,
      state: state === 'wait' ? 'waiting' : state,
      count: counts[state] ?? 0,
      oldestDueAgeSeconds: state === 'wait' ? (oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0) : null,
    }));
  };
}
