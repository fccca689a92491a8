/**
 * Replaces global `fetch` for one test with a handler answering real `Response`s, and records
 * every request so a test can check what the UI asked the API for.
 */
export interface Call { method: string; url: URL; body: unknown }
type Handler = (call: Call) => Response | Promise<Response>;

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Call inside a `describe`; `answer(handler)` sets the handler of the current test. */
export function useFetch(): { calls: Call[]; answer(handler: Handler): void } {
  const original = globalThis.fetch;
  const calls: Call[] = [];
  const unanswered: Handler = () => json({ error: 'no handler' }, 500);
  let handler = unanswered;
  beforeEach(() => {
    calls.length = 0;
    handler = unanswered;
    globalThis.fetch = async (input, init) => {
      const call = { method: init?.method ?? 'GET', url: new URL(String(input), 'http://localhost'), body: init?.body ? JSON.parse(String(init.body)) : undefined };
      calls.push(call);
      return handler(call);
    };
  });
  afterEach(() => {
    globalThis.fetch = original;
  });
  return { calls, answer: (h) => { handler = h; } };
}
