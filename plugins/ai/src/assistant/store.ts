import type { Knex } from 'knex';
import type OpenAI from 'openai';

export type Audience = 'staff' | 'portal';
export type StoredMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface ConversationRow { id: string; tenant_id: string; user_id: string; audience: Audience; title: string; created_at: Date; updated_at: Date }
export interface ProposalRow {
  id: string; tenant_id: string; conversation_id: string; user_id: string; tool: string; summary: string;
  method: string; path: string; body: unknown; status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  result_status: number | null; decided_at: Date | null; created_at: Date;
}

/** How much history is replayed to the model: the newest messages only, so a long chat stays affordable. */
const HISTORY_LIMIT = 40;

/** The user's own conversation, or undefined: another user's (or tenant's) is never found. */
export function findConversation(trx: Knex.Transaction, id: string, userId: string): Promise<ConversationRow | undefined> {
  return trx<ConversationRow>('ai_assistant_conversations').where({ id, user_id: userId }).first();
}

export async function createConversation(trx: Knex.Transaction, row: { tenantId: string; userId: string; audience: Audience; title: string }): Promise<ConversationRow> {
  const [created] = await trx('ai_assistant_conversations')
    .insert({ tenant_id: row.tenantId, user_id: row.userId, audience: row.audience, title: row.title.slice(0, 120) }).returning('*');
  return created as ConversationRow;
}

export function listConversations(trx: Knex.Transaction, userId: string, audience: Audience, page: number, perPage: number) {
  const base = trx('ai_assistant_conversations').where({ user_id: userId, audience });
  return Promise.all([
    base.clone().select('id', 'title', 'created_at', 'updated_at').orderBy('updated_at', 'desc').limit(perPage).offset((page - 1) * perPage),
    base.clone().count({ n: '*' }).first() as Promise<{ n: string | number } | undefined>,
  ]);
}

export async function appendMessages(trx: Knex.Transaction, tenantId: string, conversationId: string, messages: StoredMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const now = Date.now();
  // Distinct timestamps keep the order of messages written in one go.
  await trx('ai_assistant_messages').insert(messages.map((m, i) => ({
    tenant_id: tenantId, conversation_id: conversationId, role: m.role, payload: JSON.stringify(m), created_at: new Date(now + i),
  })));
  await trx('ai_assistant_conversations').where({ id: conversationId }).update({ updated_at: trx.fn.now() });
}

/** The conversation's newest messages, oldest first, starting at a user message (never an orphaned tool result). */
export async function loadHistory(trx: Knex.Transaction, conversationId: string): Promise<StoredMessage[]> {
  const rows = await trx('ai_assistant_messages').where({ conversation_id: conversationId })
    .orderBy('created_at', 'desc').limit(HISTORY_LIMIT).select('payload') as Array<{ payload: StoredMessage }>;
  const messages = rows.reverse().map((r) => r.payload);
  const firstUser = messages.findIndex((m) => m.role === 'user');
  return firstUser < 0 ? [] : messages.slice(firstUser);
}

export function loadMessages(trx: Knex.Transaction, conversationId: string) {
  return trx('ai_assistant_messages').where({ conversation_id: conversationId }).orderBy('created_at').select('id', 'role', 'payload', 'created_at');
}

export interface ToolCallRecord {
  tenantId: string; conversationId: string; userId: string; tool: string; arguments: unknown;
  outcome: 'ok' | 'refused' | 'failed' | 'proposed'; httpStatus?: number; reason?: string;
}

export async function recordToolCall(trx: Knex.Transaction, r: ToolCallRecord): Promise<void> {
  await trx('ai_assistant_tool_calls').insert({
    tenant_id: r.tenantId, conversation_id: r.conversationId, user_id: r.userId, tool: r.tool.slice(0, 200),
    arguments: r.arguments === undefined ? null : JSON.stringify(r.arguments), outcome: r.outcome,
    http_status: r.httpStatus ?? null, reason: r.reason?.slice(0, 500) ?? null,
  });
}

export async function createProposal(trx: Knex.Transaction, p: {
  tenantId: string; conversationId: string; userId: string; tool: string; summary: string; method: string; path: string; body: unknown;
}): Promise<ProposalRow> {
  const [row] = await trx('ai_assistant_proposals').insert({
    tenant_id: p.tenantId, conversation_id: p.conversationId, user_id: p.userId, tool: p.tool, summary: p.summary,
    method: p.method, path: p.path, body: p.body === undefined ? null : JSON.stringify(p.body),
  }).returning('*');
  return row as ProposalRow;
}

/** The user's own pending proposal, now marked running (a second confirm, even a parallel one, finds nothing). */
export async function claimProposal(trx: Knex.Transaction, id: string, userId: string, next: 'running' | 'cancelled'): Promise<ProposalRow | undefined> {
  const [row] = await trx('ai_assistant_proposals').where({ id, user_id: userId, status: 'pending' })
    .update({ status: next, updated_at: trx.fn.now(), ...(next === 'cancelled' ? { decided_at: trx.fn.now() } : {}) }).returning('*');
  return row as ProposalRow | undefined;
}

export async function finishProposal(trx: Knex.Transaction, id: string, status: 'done' | 'failed', resultStatus: number): Promise<ProposalRow> {
  const [row] = await trx('ai_assistant_proposals').where({ id })
    .update({ status, result_status: resultStatus, decided_at: trx.fn.now(), updated_at: trx.fn.now() }).returning('*');
  return row as ProposalRow;
}

export function findOwnProposal(trx: Knex.Transaction, id: string, userId: string): Promise<ProposalRow | undefined> {
  return trx<ProposalRow>('ai_assistant_proposals').where({ id, user_id: userId }).first();
}

export function toProposal(row: ProposalRow) {
  return {
    proposalId: row.id, conversationId: row.conversation_id, tool: row.tool, summary: row.summary, method: row.method, path: row.path,
    body: row.body ?? undefined, status: row.status, resultStatus: row.result_status, createdAt: row.created_at, decidedAt: row.decided_at,
  };
}
