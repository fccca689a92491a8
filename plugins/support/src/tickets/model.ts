/** Ticket statuses: `open` waits for staff, `answered` for the client, `customer_reply` for staff again. */
export const STATUSES = ['open', 'answered', 'customer_reply', 'on_hold', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

/** Lowest to highest: escalation moves a ticket one step up. */
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TicketPriority = (typeof PRIORITIES)[number];

export type AuthorKind = 'client' | 'staff' | 'system';

export interface TicketRow {
  id: string;
  tenant_id: string;
  number: number;
  department_id: string;
  client_id: string | null;
  contact_email: string;
  contact_name: string | null;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  assignee_user_id: string | null;
  tags: string[];
  service_id: string | null;
  invoice_id: string | null;
  domain: string | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_responded_at: Date | null;
  sla_warned_at: Date | null;
  sla_breached_at: Date | null;
  escalated_at: Date | null;
  last_client_reply_at: Date | null;
  last_staff_reply_at: Date | null;
  closed_at: Date | null;
  rating: number | null;
  rating_comment: string | null;
  merged_into_id: string | null;
  mail_message_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRow {
  id: string;
  ticket_id: string;
  author_kind: AuthorKind;
  author_user_id: string | null;
  author_email: string | null;
  author_name: string | null;
  body: string;
  internal: boolean;
  via: 'web' | 'mail';
  mail_message_id: string | null;
  original_ticket_id: string | null;
  created_at: Date;
}

export interface DepartmentRow {
  id: string;
  name: string;
  email: string | null;
  description: string | null;
  client_visible: boolean;
  unknown_sender_policy: 'create_client' | 'reject' | 'guest';
  round_robin: boolean;
  last_assigned_user_id: string | null;
  sort_order: number;
}

export interface AttachmentRow {
  id: string;
  ticket_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  storage: string;
  storage_key: string;
  created_at: Date;
}

/** Who writes a message or changes a ticket. */
export interface Actor {
  kind: AuthorKind;
  userId: string | null;
  email: string | null;
  name: string | null;
}
