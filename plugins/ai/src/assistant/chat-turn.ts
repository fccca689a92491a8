import type { PluginContext } from '@mpanel/sdk';
import type OpenAI from 'openai';
import { aiFailure, AiUnavailable, type AiSession } from '../llm/client.ts';
import { appendMessages, loadHistory, type Audience, type StoredMessage } from './store.ts';
import { systemPrompt } from './system-prompt.ts';
import type { ToolCatalog } from './tools/tool-catalog.ts';
import { runToolCall, type ToolCaller, type ToolResult } from './tools/run-tool.ts';

/** What a turn reports as it goes; the route sends each as one NDJSON line (or collects them). */
export type AssistantEvent =
  | { type: 'conversation'; conversationId: string }
  | { type: 'text'; delta: string }
  | { type: 'tool'; tool: string; outcome: ToolResult['outcome']; status?: number }
  | { type: 'proposal'; proposal: NonNullable<ToolResult['proposal']> }
  | { type: 'done'; text: string }
  | { type: 'error'; error: string; code?: string; status: number };

/** Model ↔ tools round trips per question: a model that keeps calling tools is stopped here. */
const MAX_ROUNDS = 6;

export interface TurnInput {
  ctx: PluginContext;
  session: AiSession;
  catalog: ToolCatalog;
  caller: ToolCaller;
  audience: Audience;
  question: string;
}

type ToolCallDraft = { id: string; name: string; arguments: string };

/**
 * One question: the conversation's history and the question go to the model with the tools; its
 * text streams out; the tools it calls run (reads) or become proposals (writes) and their results
 * go back to it as tool messages, until it answers without tools. Everything is stored as it
 * happens, so a broken stream leaves a consistent conversation.
 */
export async function* runTurn(input: TurnInput): AsyncGenerator<AssistantEvent> {
  const { ctx, session, catalog, caller } = input;
  const save = (messages: StoredMessage[]) => ctx.db.transaction(caller.tenantId, (trx) => appendMessages(trx, caller.tenantId, caller.conversationId, messages));
  const history = await ctx.db.transaction(caller.tenantId, (trx) => loadHistory(trx, caller.conversationId));
  const question: StoredMessage = { role: 'user', content: input.question };
  await save([question]);
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
    { role: 'system', content: systemPrompt(input.audience, new Date()) }, ...history, question,
  ];
  const tools = [...catalog.values()].map((t) => t.definition);
  let answer = '';
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const reply = yield* streamCompletion(session, messages, tools);
      answer += reply.text;
      const assistant: StoredMessage = {
        role: 'assistant',
        content: reply.text || null,
        ...(reply.toolCalls.length > 0 ? { tool_calls: reply.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}),
      };
      messages.push(assistant);
      await save([assistant]);
      if (reply.toolCalls.length === 0) {
        yield { type: 'done', text: answer };
        return;
      }
      for (const call of reply.toolCalls) {
        const result = await runToolCall(ctx, catalog, caller, call);
        yield { type: 'tool', tool: call.name, outcome: result.outcome, ...(result.status ? { status: result.status } : {}) };
        if (result.proposal) yield { type: 'proposal', proposal: result.proposal };
        const toolMessage: StoredMessage = { role: 'tool', tool_call_id: call.id, content: result.content };
        messages.push(toolMessage);
        await save([toolMessage]);
      }
    }
    const stop = '\n(Stopped: too many steps for one question. Please ask something narrower.)';
    yield { type: 'text', delta: stop };
    await save([{ role: 'assistant', content: stop }]);
    yield { type: 'done', text: answer + stop };
  } catch (err) {
    if (err instanceof AiUnavailable) {
      yield { type: 'error', error: err.message, code: err.code, status: err.status };
      return;
    }
    ctx.logger.error({ err }, 'assistant turn failed');
    yield { type: 'error', error: 'The assistant failed', status: 500 };
  }
}

/** One streamed completion: text deltas are yielded as they come, tool calls assembled from their fragments. */
async function* streamCompletion(
  session: AiSession, messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[], tools: OpenAI.Chat.Completions.ChatCompletionTool[],
): AsyncGenerator<AssistantEvent, { text: string; toolCalls: ToolCallDraft[] }> {
  let text = '';
  const drafts = new Map<number, ToolCallDraft>();
  let usage: OpenAI.CompletionUsage | undefined;
  try {
    const stream = await session.openai.chat.completions.create({
      model: session.chatModel, messages, stream: true, stream_options: { include_usage: true },
      ...(tools.length > 0 ? { tools, tool_choice: 'auto' as const } : {}),
    });
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) {
        text += delta.content;
        yield { type: 'text', delta: delta.content };
      }
      for (const part of delta?.tool_calls ?? []) {
        const draft = drafts.get(part.index) ?? { id: '', name: '', arguments: '' };
        if (part.id) draft.id = part.id;
        if (part.function?.name) draft.name += part.function.name;
        if (part.function?.arguments) draft.arguments += part.function.arguments;
        drafts.set(part.index, draft);
      }
    }
  } catch (err) {
    aiFailure(err);
  } finally {
    await session.record(usage);
  }
  const toolCalls = [...drafts.entries()].sort(([a], [b]) => a - b).map(([i, d]) => ({ ...d, id: d.id || `call_${i}` }));
  return { text, toolCalls };
}
