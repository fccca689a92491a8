import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A small scriptable OpenAI-compatible chat server for the assistant's tests (until the shared
 * test/fakes/openai lands): `POST /v1/chat/completions` in the documented shapes, non-streamed
 * (a `chat.completion`) and streamed (`text/event-stream` of `chat.completion.chunk`s, tool calls
 * in fragments, a usage chunk when `stream_options.include_usage`, then `data: [DONE]`).
 */

export interface ScriptedToolCall { name: string; arguments: string | Record<string, unknown> }
export interface ScriptedReply {
  content?: string;
  toolCalls?: ScriptedToolCall[];
  /** Streamed: wait this long between text chunks (a slow model), to prove the answer is passed on as it comes. */
  pauseMs?: number;
}
/** A reply, or one computed from the request the fake received (its `messages`, `tools`...). */
export type Script = ScriptedReply | ((request: ChatRequest) => ScriptedReply);

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content?: string | null; tool_call_id?: string; tool_calls?: unknown[] }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  stream_options?: { include_usage?: boolean };
}

export interface FakeChat {
  url: string;
  /** Replies for the next requests, in order; a request with none left gets a 500. */
  script(...replies: Script[]): void;
  /** Every request received, oldest first. */
  requests: ChatRequest[];
  close(): Promise<void>;
}

export async function startFakeChat(options: { port?: number } = {}): Promise<FakeChat> {
  const queue: Script[] = [];
  const requests: ChatRequest[] = [];
  let counter = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: err.message, type: 'server_error' } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    requests.push(body);
    const next = queue.shift();
    if (!next) throw new Error('fake chat: no scripted reply left');
    const reply = typeof next === 'function' ? next(body) : next;
    const id = `chatcmpl-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls = (reply.toolCalls ?? []).map((t, i) => ({
      id: `call_${counter}_${i}`, type: 'function' as const,
      function: { name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) },
    }));
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id, object: 'chat.completion', created, model: body.model,
        choices: [{ index: 0, finish_reason: finish, logprobs: null, message: { role: 'assistant', content: reply.content ?? null, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) } }],
        usage,
      }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices, ...extra })}\n\n`);
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (const piece of (reply.content ?? '').match(/[\s\S]{1,8}/g) ?? []) {
      send([{ index: 0, delta: { content: piece }, finish_reason: null }]);
      if (reply.pauseMs) await new Promise((resolve) => setTimeout(resolve, reply.pauseMs));
    }
    toolCalls.forEach((call, index) => {
      send([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, finish_reason: null }]);
      const args = call.function.arguments;
      const half = Math.ceil(args.length / 2);
      for (const part of [args.slice(0, half), args.slice(half)]) {
        if (part) send([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: part } }] }, finish_reason: null }]);
      }
    });
    send([{ index: 0, delta: {}, finish_reason: finish }]);
    if (body.stream_options?.include_usage) send([], { usage });
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => { queue.push(...replies); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The last tool message the model was sent, parsed (what a tool returned to it). */
export function lastToolResult(request: ChatRequest): Record<string, unknown> {
  const tool = [...request.messages].reverse().find((m) => m.role === 'tool');
  return tool ? JSON.parse(String(tool.content)) as Record<string, unknown> : {};
}
