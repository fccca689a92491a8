/**
 * The load side of `npm run bench:webhooks`, run as a second process so the server's event loop is
 * not shared with the client: posts every prepared signed payload exactly once with autocannon and
 * prints the result as JSON. Input: a JSON file `{ url, connections, requests: [{ path, body, signature }] }`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonResult {
  duration: number;
  requests: { sent: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  statusCodeStats?: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface LoadInput {
  url: string;
  connections: number;
  requests: Array<{ path: string; body: string; signature: string }>;
}

const input = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadInput;
let next = 0;
const result = await autocannon({
  url: input.url,
  connections: input.connections,
  amount: input.requests.length,
  requests: [
    {
      method: 'POST',
      setupRequest: (req: Record<string, unknown>) => {
        const r = input.requests[next++ % input.requests.length]!;
        return { ...req, path: r.path, body: r.body, headers: { 'content-type': 'application/json', 'stripe-signature': r.signature } };
      },
    },
  ],
});
const seconds = result.duration;
process.stdout.write(JSON.stringify({
  sent: result.requests.sent,
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  statusCodes: result.statusCodeStats,
  eventsPerSecond: result['2xx'] / seconds,
  p50: result.latency.p50,
  p99: result.latency.p99,
}));
