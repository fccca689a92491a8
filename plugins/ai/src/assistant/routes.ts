import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import {
  HttpError, list, NotFoundError, ok, paginationQuery, UnauthorizedError, type PluginContext, type RouteContext, type RouteDefinition,
} from '@mpanel/sdk';
import { aiSession, AiUnavailable } from '../llm/client.ts';
import { runTurn, type AssistantEvent } from './chat-turn.ts';
import { ASSISTANT_PERMISSION, PORTAL_ASSISTANT_PERMISSION } from './permissions.ts';
import {
  claimProposal, createConversation, findConversation, findOwnProposal, finishProposal, listConversations, loadMessages, toProposal, type Audience,
} from './store.ts';
import { buildToolCatalog, type ToolCatalog } from './tools/tool-catalog.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

/** The admin's chat and the portal's: the same assistant, each behind its own permission and with its own conversations. */
const AUDIENCES: Array<{ audience: Audience; prefix: string; permission: string; scope: 'admin' | 'client' }> = [
  { audience: 'staff', prefix: '/api/v1/ai/assistant', permission: ASSISTANT_PERMISSION, scope: 'admin' },
  { audience: 'portal', prefix: '/api/v1/ai/portal-assistant', permission: PORTAL_ASSISTANT_PERMISSION, scope: 'client' },
];

export function assistantRoutes(ctx: PluginContext): RouteDefinition[] {
  // Built on first use: the registry is complete only once every plugin has registered.
  let catalog: ToolCatalog | undefined;
  const tools = () => (catalog ??= buildToolCatalog(ctx.routes.catalog()));
  return AUDIENCES.flatMap((a) => audienceRoutes(ctx, a, tools));
}

function caller(req: RouteContext<unknown, unknown, unknown>) {
  const authorization = req.header('authorization');
  const userId = req.principal?.userId;
  if (!authorization || !userId || !req.tenant) throw new UnauthorizedError();
  return { tenantId: req.tenant.id, userId, authorization, actAsTenant: req.header('x-tenant-id') };
}

function audienceRoutes(ctx: PluginContext, a: (typeof AUDIENCES)[number], tools: () => ToolCatalog): RouteDefinition[] {
  const { audience, prefix, permission, scope } = a;
  return [
    {
      method: 'POST', path: `${prefix}/messages`, permission, scope, tags: ['ai'],
      summary: 'Ask the assistant: streamed as NDJSON events (conversation, text, tool, proposal, done, error), or one JSON answer with `Accept: application/json`',
      // No transaction held while the model thinks: each write opens its own.
      transaction: false,
      schema: {
        body: {
          type: 'object', additionalProperties: false, required: ['message'],
          properties: { message: { type: 'string', minLength: 1, maxLength: 4000 }, conversationId: uuid },
        },
      },
      handler: async (req: RouteContext<Record<string, string>, unknown, { message: string; conversationId?: string }>) => {
        const who = caller(req);
        const conversation = await ctx.db.transaction(who.tenantId, async (trx) => {
          if (!req.body.conversationId) return createConversation(trx, { tenantId: who.tenantId, userId: who.userId, audience, title: req.body.message });
          const found = await findConversation(trx, req.body.conversationId, who.userId);
          if (!found) throw new NotFoundError('Conversation not found');
          return found;
        });
        let session;
        try {
          session = await aiSession(ctx, { tenantId: who.tenantId, userId: who.userId, feature: 'assistant' });
        } catch (err) {
          if (err instanceof AiUnavailable) throw new HttpError(err.status, err.message, { code: err.code });
          throw err;
        }
        const events = runTurn({ ctx, session, catalog: tools(), caller: { ...who, conversationId: conversation.id }, audience, question: req.body.message });
        if (wantsJson(req.header('accept'))) return collect(conversation.id, events);
        req.response.type = 'application/x-ndjson; charset=utf-8';
        req.response.headers['cache-control'] = 'no-store';
        // Proxies (nginx) would otherwise hold the stream back until it ends.
        req.response.headers['x-accel-buffering'] = 'no';
        return Readable.from(ndjson(conversation.id, events));
      },
    },
    {
      method: 'GET', path: `${prefix}/conversations`, permission, scope, tags: ['ai'], summary: 'Your assistant conversations, newest first',
      schema: { query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery } } },
      handler: async (req: RouteContext<Record<string, string>, { page: number; perPage: number }>) => {
        const who = caller(req);
        const [rows, count] = await listConversations(req.db, who.userId, audience, req.query.page, req.query.perPage);
        return list(rows, { total: Number(count?.n ?? 0), page: req.query.page, perPage: req.query.perPage });
      },
    },
    {
      method: 'GET', path: `${prefix}/conversations/:id`, permission, scope, tags: ['ai'], summary: 'One of your conversations with its messages and proposals',
      schema: { params: idParams },
      handler: async (req: RouteContext<{ id: string }>) => {
        const who = caller(req);
        const conversation = await findConversation(req.db, req.params.id, who.userId);
        if (!conversation) throw new NotFoundError('Conversation not found');
        const messages = await loadMessages(req.db, conversation.id);
        const proposals = await req.db('ai_assistant_proposals').where({ conversation_id: conversation.id }).orderBy('created_at');
        return ok({ ...conversation, messages, proposals: proposals.map(toProposal) });
      },
    },
    {
      method: 'POST', path: `${prefix}/proposals/:id/confirm`, permission, scope, tags: ['ai'],
      summary: 'Run a change the assistant proposed, through its normal route with your permissions (its answer and status are passed on)',
      transaction: false,
      schema: { params: idParams },
      handler: async (req: RouteContext<{ id: string }>) => {
        const who = caller(req);
        const claimed = await ctx.db.transaction(who.tenantId, (trx) => claimProposal(trx, req.params.id, who.userId, 'running'));
        if (!claimed) throw await ctx.db.transaction(who.tenantId, (trx) => proposalMissing(trx, req.params.id, who.userId));
        let res;
        try {
          res = await ctx.routes.call({
            method: claimed.method as 'POST', path: claimed.path, body: claimed.body ?? undefined, authorization: who.authorization, actAsTenant: who.actAsTenant,
          });
        } catch (err) {
          await ctx.db.transaction(who.tenantId, (trx) => finishProposal(trx, claimed.id, 'failed', 502));
          throw err;
        }
        const done = res.status >= 200 && res.status < 300;
        const row = await ctx.db.transaction(who.tenantId, (trx) => finishProposal(trx, claimed.id, done ? 'done' : 'failed', res.status));
        const answer = (res.body ?? {}) as { data?: unknown; error?: string; details?: Record<string, string> };
        if (!done) {
          ctx.logger.warn({ proposalId: claimed.id, tool: claimed.tool, status: res.status }, 'assistant proposal refused by the API');
          throw new HttpError(res.status, answer.error ?? 'The change was refused', answer.details);
        }
        return ok({ proposal: toProposal(row), result: answer.data ?? null }, 'Done');
      },
    },
    {
      method: 'POST', path: `${prefix}/proposals/:id/cancel`, permission, scope, tags: ['ai'], summary: 'Drop a change the assistant proposed',
      schema: { params: idParams },
      handler: async (req: RouteContext<{ id: string }>) => {
        const who = caller(req);
        const row = await claimProposal(req.db, req.params.id, who.userId, 'cancelled');
        // The request's own transaction: a second connection could wait forever behind it (PGlite has one).
        if (!row) throw await proposalMissing(req.db, req.params.id, who.userId);
        return ok({ proposal: toProposal(row) });
      },
    },
  ];
}

/** 404 for a proposal that is not the user's (or not there); 409 for their own one already decided. */
async function proposalMissing(trx: Knex.Transaction, id: string, userId: string): Promise<HttpError> {
  const own = await findOwnProposal(trx, id, userId);
  return own ? new HttpError(409, `This proposal is already ${own.status}`) : new NotFoundError('Proposal not found');
}

function wantsJson(accept: string | undefined): boolean {
  return Boolean(accept && /\bapplication\/json\b/.test(accept) && !/x-ndjson|event-stream/.test(accept));
}

async function* ndjson(conversationId: string, events: AsyncGenerator<AssistantEvent>): AsyncGenerator<string> {
  yield `${JSON.stringify({ type: 'conversation', conversationId })}\n`;
  for await (const event of events) yield `${JSON.stringify(event)}\n`;
}

/** The whole turn as one answer; an AI failure becomes the error status it carries. */
async function collect(conversationId: string, events: AsyncGenerator<AssistantEvent>) {
  let answer = '';
  const proposals: unknown[] = [];
  const toolCalls: unknown[] = [];
  for await (const event of events) {
    if (event.type === 'text') answer += event.delta;
    else if (event.type === 'proposal') proposals.push(event.proposal);
    else if (event.type === 'tool') toolCalls.push({ tool: event.tool, outcome: event.outcome, status: event.status });
    else if (event.type === 'error') throw new HttpError(event.status, event.error, event.code ? { code: event.code } : undefined);
  }
  return ok({ conversationId, answer, proposals, toolCalls });
}
