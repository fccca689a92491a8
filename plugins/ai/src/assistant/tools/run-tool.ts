import type { PluginContext } from '@mpanel/sdk';
import type { ToolCatalog, AssistantTool } from './tool-catalog.ts';
import { createProposal, recordToolCall, toProposal } from '../store.ts';

/** Who the tools act for: the user of the chat, with the credentials of their own request. */
export interface ToolCaller {
  tenantId: string;
  userId: string;
  conversationId: string;
  /** The chat request's own `Authorization` header: every tool call is made with it. */
  authorization: string;
  actAsTenant?: string;
}

export interface ToolCallRequest { id: string; name: string; arguments: string }

export interface ToolResult {
  /** The tool message's content for the model: JSON data, never instructions. */
  content: string;
  outcome: 'ok' | 'refused' | 'failed' | 'proposed';
  status?: number;
  proposal?: ReturnType<typeof toProposal>;
}

/** How much of an API answer goes back to the model (tokens cost money; lists are paginated anyway). */
const MAX_RESULT_CHARS = 12_000;
const MAX_PARAM_CHARS = 200;
const PARAM_VALUE = /^[A-Za-z0-9_.@:-]+$/;

class Refusal extends Error {}

/**
 * Runs one tool call the model asked for. Not an allow-listed tool, malformed arguments, or an API
 * that says no (401/403/404): refused, recorded and logged. A read runs through the API as the
 * user; a write is only stored as a proposal for the user to confirm.
 */
export async function runToolCall(ctx: PluginContext, catalog: ToolCatalog, caller: ToolCaller, call: ToolCallRequest): Promise<ToolResult> {
  const tool = catalog.get(call.name);
  let args: Record<string, unknown> | undefined;
  try {
    if (!tool) throw new Refusal('not an allowed tool');
    args = parseArguments(call.arguments);
    const request = toRequest(tool, args);
    if (tool.route.kind === 'write') return await propose(ctx, tool, caller, args, request);
    const res = await ctx.routes.call({ ...request, authorization: caller.authorization, actAsTenant: caller.actAsTenant });
    const ok = res.status >= 200 && res.status < 300;
    const outcome = ok ? 'ok' : [401, 403, 404].includes(res.status) ? 'refused' : 'failed';
    const answer = (res.body ?? {}) as Record<string, unknown>;
    await record(ctx, caller, call.name, args, outcome, res.status, ok ? undefined : String(answer.error ?? ''));
    if (outcome === 'refused') ctx.logger.warn({ tool: call.name, status: res.status, userId: caller.userId }, 'assistant tool call refused by the API');
    const data = ok ? { status: res.status, data: answer.data, ...(answer.meta ? { meta: answer.meta } : {}) } : { status: res.status, error: answer.error, details: answer.details };
    return { content: truncate(JSON.stringify(data)), outcome, status: res.status };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    await record(ctx, caller, call.name, args ?? call.arguments, 'refused', undefined, err.message);
    ctx.logger.warn({ tool: call.name, reason: err.message, userId: caller.userId }, 'assistant tool call refused');
    return { content: JSON.stringify({ status: 'refused', error: `Tool call refused: ${err.message}` }), outcome: 'refused' };
  }
}

function parseArguments(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new Refusal('arguments are not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Refusal('arguments are not a JSON object');
  return parsed as Record<string, unknown>;
}

/** The API call a tool call stands for: path params filled in (encoded), the declared query and body only. */
function toRequest(tool: AssistantTool, args: Record<string, unknown>) {
  let path = tool.route.path;
  for (const name of tool.pathParams) {
    const value = args[name];
    // Ids and slugs only: no dot segments or separators that could make the path another route's.
    if (typeof value !== 'string' || value.length > MAX_PARAM_CHARS || !PARAM_VALUE.test(value) || /^\.+$/.test(value)) {
      throw new Refusal(`"${name}" must be an id`);
    }
    path = path.replace(`:${name}`, encodeURIComponent(value));
  }
  const query: Record<string, string | number | boolean> = {};
  if (tool.hasQuery && args.query !== undefined) {
    if (!args.query || typeof args.query !== 'object' || Array.isArray(args.query)) throw new Refusal('"query" must be an object');
    for (const [key, value] of Object.entries(args.query)) {
      if (value === null || value === undefined) continue;
      if (!['string', 'number', 'boolean'].includes(typeof value)) throw new Refusal(`query "${key}" must be a string, number or boolean`);
      query[key] = value as string | number | boolean;
    }
  }
  const body = tool.hasBody ? (args.body ?? (tool.route.kind === 'write' ? {} : undefined)) : undefined;
  return { method: tool.route.method, path, query, body };
}

async function propose(ctx: PluginContext, tool: AssistantTool, caller: ToolCaller, args: Record<string, unknown>, request: ReturnType<typeof toRequest>): Promise<ToolResult> {
  const ids = tool.pathParams.map((p) => `${p} ${String(args[p])}`).join(', ');
  const extra = request.body && Object.keys(request.body as object).length > 0 ? ` with ${JSON.stringify(request.body)}` : '';
  const summary = `${tool.route.label} (${ids})${extra}`.slice(0, 500);
  const row = await ctx.db.transaction(caller.tenantId, async (trx) => {
    const created = await createProposal(trx, { tenantId: caller.tenantId, conversationId: caller.conversationId, userId: caller.userId, tool: tool.route.tool, summary, method: request.method, path: request.path, body: request.body });
    await recordToolCall(trx, { tenantId: caller.tenantId, conversationId: caller.conversationId, userId: caller.userId, tool: tool.route.tool, arguments: args, outcome: 'proposed' });
    return created;
  });
  const proposal = toProposal(row);
  return {
    content: JSON.stringify({ status: 'proposed', proposalId: row.id, summary, note: 'Nothing has changed yet: the user must confirm this in the chat before it runs.' }),
    outcome: 'proposed',
    proposal,
  };
}

function record(ctx: PluginContext, caller: ToolCaller, tool: string, args: unknown, outcome: ToolResult['outcome'], httpStatus?: number, reason?: string) {
  return ctx.db.transaction(caller.tenantId, (trx) =>
    recordToolCall(trx, { tenantId: caller.tenantId, conversationId: caller.conversationId, userId: caller.userId, tool, arguments: args, outcome, httpStatus, reason }));
}

function truncate(text: string): string {
  return text.length <= MAX_RESULT_CHARS ? text : `${text.slice(0, MAX_RESULT_CHARS)}…(truncated: ask for a narrower list or one record)`;
}
