import type { Knex } from 'knex';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { PluginContext, Principal } from '@mpanel/sdk';
import { aiFailure, aiSession } from '../llm/client.ts';
import { DATA_RULE, dataMessage, dataSection } from '../llm/safety.ts';
import { auditAi } from '../llm/audit.ts';
import { nearestArticles, type KbHit } from './kb-index.ts';
import { clientRecords, publicMessages, staffTicket, type TicketRow } from './ticket-data.ts';

export const DRAFT_SYSTEM = [
  'You draft replies for the support staff of a hosting company. A staff member reviews and edits every draft before anything is sent.',
  DATA_RULE,
  'Ground the reply in the knowledge-base articles of the data block and cite each one you use by its label, e.g. [KB1].',
  'Use the account records only to answer the ticket; do not mention records the client did not ask about.',
  "If the articles do not answer the question, say what the staff member should check. Reply in the language of the client's last message.",
].join('\n');

export interface DraftInput { ticket: TicketRow; messages: Array<{ author: string; body: string }>; articles: KbHit[]; records: string[] }

/** The request's messages: our instructions in the system message, everything from outside in one data block. */
export function draftMessages(input: DraftInput): ChatCompletionMessageParam[] {
  const sections = [
    dataSection('Ticket', `#${input.ticket.number}: ${input.ticket.subject}`),
    ...input.messages.map((m, i) => dataSection(`Message ${i + 1} (${m.author})`, m.body)),
    ...input.articles.map((a, i) => dataSection(`KB${i + 1}: ${a.title}`, a.body.slice(0, 4000))),
    ...(input.records.length ? [dataSection('Account records', input.records.join('\n'))] : []),
  ];
  return [
    { role: 'system', content: DRAFT_SYSTEM },
    { role: 'user', content: dataMessage(sections, 'Write a reply to the client for the staff member to review.') },
  ];
}

/** Articles the draft refers to by label ([KB2]), in the order given to the model. */
export function citedArticles(answer: string, articles: KbHit[]): Array<{ id: string; title: string }> {
  return articles.filter((_, i) => new RegExp(`\\[KB${i + 1}\\]`).test(answer)).map((a) => ({ id: a.id, title: a.title }));
}

/**
 * A draft reply for staff: returned, never sent or stored as a message. Checks the AI budget and
 * limits first (no request leaves when they say no), records usage and the audit entry.
 */
export async function draftReply(ctx: PluginContext, trx: Knex.Transaction, tenantId: string, p: Principal, ticketId: string) {
  const ticket = await staffTicket(trx, tenantId, p, ticketId);
  const session = await aiSession(ctx, { tenantId, userId: p.userId, feature: 'drafts' });
  const messages = await publicMessages(trx, tenantId, ticket.id);
  // What the client asks: their last messages; a ticket staff opened for them has its first message instead.
  const fromClient = messages.filter((m) => m.author === 'client');
  const question = [ticket.subject, ...(fromClient.length ? fromClient.slice(-3) : messages.slice(0, 1)).map((m) => m.body)].join('\n');
  const articles = await nearestArticles(trx, tenantId, session, question);
  const request = draftMessages({ ticket, messages, articles, records: await clientRecords(trx, tenantId, p, ticket.client_id) });
  let answer: string;
  try {
    const r = await session.openai.chat.completions.create({ model: session.chatModel, messages: request, temperature: 0.3, max_tokens: 800 });
    await session.record(r.usage);
    answer = r.choices[0]?.message.content ?? '';
  } catch (err) {
    await auditAi(ctx, { tenantId, userId: p.userId, feature: 'drafts', subject: { type: 'ticket', id: ticket.id }, model: session.chatModel, messages: request, error: String(err) });
    aiFailure(err);
  }
  await auditAi(ctx, { tenantId, userId: p.userId, feature: 'drafts', subject: { type: 'ticket', id: ticket.id }, model: session.chatModel, messages: request, answer });
  return {
    ticketId: ticket.id,
    draft: answer,
    citations: citedArticles(answer, articles),
    sources: articles.map((a) => ({ id: a.id, title: a.title, score: Math.round(a.score * 1000) / 1000 })),
    model: session.chatModel,
  };
}
