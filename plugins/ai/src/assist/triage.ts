import type { Knex } from 'knex';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { PluginContext, PluginLogger } from '@mpanel/sdk';
import { AiUnavailable, aiFailure, aiSession } from '../llm/client.ts';
import { DATA_RULE, dataMessage, dataSection } from '../llm/safety.ts';
import { auditAi } from '../llm/audit.ts';
import { publicMessages } from './ticket-data.ts';

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

export interface TriageSuggestion { departmentId: string | null; priority: string | null; sentiment: string | null; summary: string | null; language: string | null }

export function triageMessages(departments: string[], subject: string, body: string): ChatCompletionMessageParam[] {
  return [
    {
      role: 'system',
      content: [
        'You triage support tickets of a hosting company.',
        DATA_RULE,
        'Answer with one JSON object only: {"department": one of the department names listed below, "priority": "low"|"medium"|"high"|"urgent",',
        '"sentiment": "positive"|"neutral"|"negative", "summary": one line of at most 140 characters, "language": the ISO 639-1 code of the ticket\'s language}.',
        `Departments: ${departments.map((d) => JSON.stringify(d)).join(', ')}.`,
      ].join('\n'),
    },
    { role: 'user', content: dataMessage([dataSection('Ticket subject', subject), dataSection('Ticket message', body.slice(0, 6000))], 'Triage this ticket.') },
  ];
}

/** The model's JSON, checked field by field: an unknown department or priority is dropped, not stored. */
export function parseTriage(answer: string, departments: Array<{ id: string; name: string }>): TriageSuggestion {
  const json = /\{[\s\S]*\}/.exec(answer)?.[0];
  let o: Record<string, unknown> = {};
  try {
    o = json ? (JSON.parse(json) as Record<string, unknown>) : {};
  } catch {
    o = {};
  }
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const dept = str(o.department)?.toLowerCase();
  const priority = str(o.priority)?.toLowerCase() ?? null;
  const sentiment = str(o.sentiment)?.toLowerCase() ?? null;
  const language = str(o.language)?.toLowerCase() ?? null;
  return {
    departmentId: departments.find((d) => d.name.toLowerCase() === dept)?.id ?? null,
    priority: priority && (PRIORITIES as readonly string[]).includes(priority) ? priority : null,
    sentiment: sentiment && (SENTIMENTS as readonly string[]).includes(sentiment) ? sentiment : null,
    summary: str(o.summary)?.replace(/\s+/g, ' ').slice(0, 200) ?? null,
    language: language && /^[a-z]{2,3}(-[a-z]{2})?$/.test(language) ? language : null,
  };
}

/** Asks the model; throws AiUnavailable when it cannot. Used by the event handler and the eval. */
export async function suggestTriage(ctx: PluginContext, tenantId: string, ticket: { id?: string; subject: string; body: string }, departments: Array<{ id: string; name: string }>, feature: 'triage' | 'eval' = 'triage'): Promise<TriageSuggestion> {
  const session = await aiSession(ctx, { tenantId, userId: null, feature });
  const request = triageMessages(departments.map((d) => d.name), ticket.subject, ticket.body);
  try {
    const r = await session.openai.chat.completions.create({ model: session.chatModel, messages: request, temperature: 0, max_tokens: 300, response_format: { type: 'json_object' } });
    await session.record(r.usage);
    const answer = r.choices[0]?.message.content ?? '';
    await auditAi(ctx, { tenantId, userId: null, feature, subject: ticket.id ? { type: 'ticket', id: ticket.id } : undefined, model: session.chatModel, messages: request, answer });
    return parseTriage(answer, departments);
  } catch (err) {
    aiFailure(err);
  }
}

/**
 * `ticket.created`: suggestions stored for staff to accept. When the AI is off, over budget or down
 * the ticket simply gets none (logged; the event is not retried, so a down endpoint sees one request
 * per new ticket, not a retry storm).
 */
export async function triageNewTicket(ctx: PluginContext, trx: Knex.Transaction, tenantId: string, ticketId: string, logger: PluginLogger): Promise<void> {
  if (await trx('ai_ticket_triage').where({ tenant_id: tenantId, ticket_id: ticketId }).first('id')) return;
  const ticket = (await trx('tickets').where({ tenant_id: tenantId, id: ticketId }).first('id', 'subject')) as { id: string; subject: string } | undefined;
  if (!ticket) return;
  const [first] = await publicMessages(trx, tenantId, ticketId, 1);
  const departments = (await trx('ticket_departments').where({ tenant_id: tenantId }).select('id', 'name')) as Array<{ id: string; name: string }>;
  let s: TriageSuggestion;
  try {
    s = await suggestTriage(ctx, tenantId, { id: ticket.id, subject: ticket.subject, body: first?.body ?? '' }, departments);
  } catch (err) {
    if (err instanceof AiUnavailable) {
      logger.info({ ticketId, code: err.code }, `AI triage skipped: ${err.message}`);
      return;
    }
    throw err;
  }
  await trx('ai_ticket_triage').insert({
    tenant_id: tenantId, ticket_id: ticketId, department_id: s.departmentId, priority: s.priority, sentiment: s.sentiment, summary: s.summary, language: s.language,
  }).onConflict('ticket_id').ignore();
}

export function triageJson(r: Record<string, unknown>) {
  return {
    id: r.id, ticketId: r.ticket_id, departmentId: r.department_id ?? null, priority: r.priority ?? null, sentiment: r.sentiment ?? null,
    summary: r.summary ?? null, language: r.language ?? null, status: r.status, decidedBy: r.decided_by ?? null, decidedAt: r.decided_at ?? null, createdAt: r.created_at,
  };
}
