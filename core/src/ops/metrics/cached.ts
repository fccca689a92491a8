/**
 * `fn`'s result, reused for `ttlMs`: several gauges read one snapshot per scrape, and scrapes from
 * several Prometheus servers within the window cost one round of queries. A failure is not kept.
 */
export function cached<T>(ttlMs: number, fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  let at = 0;
  return () => {
    if (value && Date.now() - at < ttlMs) return value;
    at = Date.now();
    value = fn();
    value.catch(() => {
      value = undefined;
    });
    return value;
  };
}
