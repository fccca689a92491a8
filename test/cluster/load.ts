import { randomUUID } from 'node:crypto';

export interface LoadOptions {
  url: string;
  token: string;
  /** Requests in all (the most, with `until`). */
  requests: number;
  concurrency: number;
  /** Called after each finished request with the number finished so far (awaited: the load pauses). */
  at?(done: number): Promise<void>;
  /** Stop starting requests once this settles. */
  until?: Promise<unknown>;
}

export interface LoadResult {
  /** Ids of the writes answered 201. */
  acked: string[];
  reads: number;
  /** Requests answered otherwise, or not answered. */
  failures: Array<{ method: string; status?: number; error?: string }>;
}

/** A bounded mix through the balancer: three writes (a note with our own id) to one read. */
export async function driveLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { acked: [], reads: 0, failures: [] };
  let started = 0;
  let done = 0;
  let stop = false;
  void options.until?.then(() => (stop = true), () => (stop = true));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.token}` };

  async function one(n: number): Promise<void> {
    const write = n % 4 !== 3;
    const id = randomUUID();
    try {
      const res = write
        ? await fetch(`${options.url}/api/v1/cluster-probe/notes`, { method: 'POST', headers, body: JSON.stringify({ id }) })
        : await fetch(`${options.url}/api/v1/cluster-probe/notes`, { headers });
      await res.arrayBuffer();
      if (write && res.status === 201) result.acked.push(id);
      else if (!write && res.status === 200) result.reads++;
      else result.failures.push({ method: write ? 'POST' : 'GET', status: res.status });
    } catch (err) {
      result.failures.push({ method: write ? 'POST' : 'GET', error: err instanceof Error ? err.message : String(err) });
    }
  }

  async function lane(): Promise<void> {
    while (!stop && started < options.requests) {
      await one(started++);
      done++;
      await options.at?.(done);
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return result;
}
