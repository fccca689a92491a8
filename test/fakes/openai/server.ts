import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { hashedBagOfWords, roughTokens } from './embedding.ts';

/**
 * A local stand-in for an OpenAI-compatible endpoint (OpenAI's REST shapes: chat completions with
 * tool calls and `stream: true` server-sent events, embeddings in float or base64 encoding, error
 * answers `{ error: { message, type, code } }`). Tests drive it with the official `openai` SDK.
 */

export interface ChatMessage { role: string; content?: string | null | Array<{ type: string; text?: string }>; tool_calls?: unknown; tool_call_id?: string }
export interface ChatRequest { model: string; messages: ChatMessage[]; stream?: boolean; tools?: unknown[]; response_format?: { type: string }; stream_options?: { include_usage?: boolean }; [k: string]: unknown }

/** One scripted answer: text, tool calls, or an HTTP error (`status`). */
export interface Scripted {
  content?: string;
  toolCalls?: Array<{ name: string; arguments: string | Record<string, unknown> }>;
  /** Answer this HTTP status with an OpenAI error body (429: rate_limit_error, 5xx: server_error). */
  status?: number;
  message?: string;
  /** Which request takes it (default: chat for answers, any for errors). */
  endpoint?: 'chat' | 'embeddings' | 'any';
}

export interface RecordedRequest { method: string; path: string; authorization: string | undefined; body: Record<string, unknown> }

export interface FakeOpenAi {
  /** Base URL for the SDK (`baseURL`), ending in `/v1`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues answers; each is used once, by the next request of its endpoint. */
  script(...answers: Scripted[]): void;
  /** Answers every later request (until reset) with this error status. */
  failAll(status: number | null): void;
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  port?: number;
  /** The only API key accepted (401 otherwise); any non-empty key when absent. */
  apiKey?: string;
  /** The answer to a chat request nothing was scripted for (default: a fixed text). */
  respond?: (request: ChatRequest) => Scripted;
}

const id = (prefix: string) => `${prefix}-${randomBytes(9).toString('base64url')}`;
const now = () => Math.floor(Date.now() / 1000);

export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? '').join('');
  return '';
}

function errorBody(status: number, message?: string) {
  if (status === 429) return { error: { message: message ?? 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
  if (status === 401) return { error: { message: message ?? 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
  if (status >= 500) return { error: { message: message ?? 'The server had an error while processing your request', type: 'server_error', param: null, code: null } };
  return { error: { message: message ?? 'Invalid request', type: 'invalid_request_error', param: null, code: null } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': id('req') });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function toolCallsOf(answer: Scripted) {
  return (answer.toolCalls ?? []).map((t) => ({
    id: id('call'), type: 'function' as const,
    function: { name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) },
  }));
}

function usageOf(request: ChatRequest, content: string) {
  const prompt = roughTokens(request.messages.map(messageText).join(' '));
  const completion = roughTokens(content);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function completion(request: ChatRequest, answer: Scripted) {
  const toolCalls = toolCallsOf(answer);
  const content = toolCalls.length && answer.content === undefined ? null : (answer.content ?? '');
  return {
    id: id('chatcmpl'), object: 'chat.completion', created: now(), model: request.model, system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, logprobs: null, finish_reason: toolCalls.length ? 'tool_calls' : 'stop' }],
    usage: usageOf(request, `${content ?? ''} ${toolCalls.map((t) => t.function.arguments).join(' ')}`),
  };
}

/** The same answer as server-sent events: role, content in word pieces, tool calls in two pieces, finish, usage. */
function streamCompletion(res: ServerResponse, request: ChatRequest, answer: Scripted): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const base = { id: id('chatcmpl'), object: 'chat.completion.chunk', created: now(), model: request.model, system_fingerprint: 'fp_fake' };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);
  chunk({ role: 'assistant', content: '' });
  const text = answer.content ?? '';
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) chunk({ content: piece });
  const calls = toolCallsOf(answer);
  calls.forEach((c, index) => {
    const half = Math.ceil(c.function.arguments.length / 2);
    chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments.slice(0, half) } }] });
    chunk({ tool_calls: [{ index, function: { arguments: c.function.arguments.slice(half) } }] });
  });
  chunk({}, calls.length ? 'tool_calls' : 'stop');
  if (request.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(request, text) })}\n\n`);
  res.end('data: [DONE]\n\n');
}

function embeddings(body: Record<string, unknown>) {
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = hashedBagOfWords(String(input));
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
  });
  const tokens = inputs.reduce<number>((s, i) => s + roughTokens(String(i)), 0);
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const queue: Scripted[] = [];
  const requests: RecordedRequest[] = [];
  let failing: number | null = null;

  const take = (endpoint: 'chat' | 'embeddings'): Scripted | undefined => {
    const i = queue.findIndex((a) => (a.endpoint ?? (a.status ? 'any' : 'chat')) === endpoint || (a.endpoint ?? (a.status ? 'any' : 'chat')) === 'any');
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!.replace(/^\/v1(?=\/)/, '');
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
      } catch {
        return send(res, 400, errorBody(400, 'We could not parse the JSON body of your request.'));
      }
      requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body });
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!key || (options.apiKey && key !== options.apiKey)) return send(res, 401, errorBody(401));
      if (failing) return send(res, failing, errorBody(failing));
      if (req.method === 'POST' && path === '/chat/completions') {
        const request = body as unknown as ChatRequest;
        if (!request.model || !Array.isArray(request.messages)) return send(res, 400, errorBody(400, 'model and messages are required'));
        const answer = take('chat') ?? options.respond?.(request) ?? { content: 'This is the fake model answering.' };
        if (answer.status) return send(res, answer.status, errorBody(answer.status, answer.message));
        if (request.stream) return streamCompletion(res, request, answer);
        return send(res, 200, completion(request, answer));
      }
      if (req.method === 'POST' && path === '/embeddings') {
        const answer = take('embeddings');
        if (answer?.status) return send(res, answer.status, errorBody(answer.status, answer.message));
        if (body.input === undefined || !body.model) return send(res, 400, errorBody(400, 'input and model are required'));
        return send(res, 200, embeddings(body));
      }
      return send(res, 404, errorBody(404, `Unknown request URL: ${req.method} ${req.url}`));
    })().catch((err: unknown) => send(res, 500, errorBody(500, String(err))));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => void queue.push(...answers),
    failAll: (status) => void (failing = status),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
