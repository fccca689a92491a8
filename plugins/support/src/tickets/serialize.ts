import type { AttachmentRow, DepartmentRow, MessageRow, TicketRow } from './model.ts';
import { slaState, type SlaState } from './sla.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function ticketJson(t: TicketRow, now: Date, warnPercent: number, staff: boolean) {
  const base = {
    id: t.id, number: t.number, departmentId: t.department_id, clientId: t.client_id, contactEmail: t.contact_email, contactName: t.contact_name,
    subject: t.subject, status: t.status, priority: t.priority, serviceId: t.service_id, invoiceId: t.invoice_id, domain: t.domain,
    rating: t.rating, ratingComment: t.rating_comment, mergedIntoId: t.merged_into_id,
    createdAt: iso(t.created_at), updatedAt: iso(t.updated_at), closedAt: iso(t.closed_at),
    lastClientReplyAt: iso(t.last_client_reply_at), lastStaffReplyAt: iso(t.last_staff_reply_at),
  };
  if (!staff) return base;
  const sla: SlaState = slaState(t, now, warnPercent);
  return {
    ...base, assigneeUserId: t.assignee_user_id, tags: t.tags,
    firstResponseDueAt: iso(t.first_response_due_at), resolutionDueAt: iso(t.resolution_due_at), firstRespondedAt: iso(t.first_responded_at),
    slaWarnedAt: iso(t.sla_warned_at), slaBreachedAt: iso(t.sla_breached_at), escalatedAt: iso(t.escalated_at), sla,
  };
}

export function attachmentJson(a: AttachmentRow) {
  return { id: a.id, messageId: a.message_id, filename: a.filename, contentType: a.content_type, size: a.size, createdAt: iso(a.created_at) };
}

export function messageJson(m: MessageRow, attachments: AttachmentRow[]) {
  return {
    id: m.id, authorKind: m.author_kind, authorUserId: m.author_user_id, authorName: m.author_name, authorEmail: m.author_email,
    body: m.body, internal: m.internal, via: m.via, originalTicketId: m.original_ticket_id, createdAt: iso(m.created_at),
    attachments: attachments.filter((a) => a.message_id === m.id).map(attachmentJson),
  };
}

export function departmentJson(d: DepartmentRow, members?: string[]) {
  return {
    id: d.id, name: d.name, email: d.email, description: d.description, clientVisible: d.client_visible,
    unknownSenderPolicy: d.unknown_sender_policy, roundRobin: d.round_robin, sortOrder: d.sort_order,
    ...(members ? { memberUserIds: members } : {}),
  };
}
