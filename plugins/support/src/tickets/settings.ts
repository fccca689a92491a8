/** The tenant settings of tickets, mail and attachments. */
export interface TicketSettings {
  /** A ticket answered by staff and left without a client reply is closed after this many hours (0 = never). */
  autoCloseHours: number;
  /** Attachments: the largest file accepted, in bytes. */
  attachmentMaxBytes: number;
  /** Attachments: accepted file name extensions (lower case, without the dot). */
  attachmentExtensions: string[];
  /** Incoming mail: how many mails one sender may send per hour before the rest are refused. */
  mailPerSenderPerHour: number;
  /** The domain of per-ticket reply addresses (`support+<token>@domain`); null: the department's address domain. */
  replyDomain: string | null;
}

export const TICKET_SETTING_DEFAULTS: TicketSettings = {
  autoCloseHours: 72,
  attachmentMaxBytes: 5 * 1024 * 1024,
  attachmentExtensions: ['png', 'jpg', 'jpeg', 'gif', 'pdf', 'txt', 'log', 'zip', 'csv'],
  mailPerSenderPerHour: 20,
  replyDomain: null,
};

export const TICKET_SETTING_FIELDS = {
  autoCloseHours: { type: 'integer', minimum: 0, maximum: 24 * 365 },
  attachmentMaxBytes: { type: 'integer', minimum: 1, maximum: 100 * 1024 * 1024 },
  attachmentExtensions: { type: 'array', maxItems: 100, items: { type: 'string', pattern: '^[a-z0-9]{1,10}$' } },
  mailPerSenderPerHour: { type: 'integer', minimum: 1, maximum: 10_000 },
  replyDomain: { type: ['string', 'null'], maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' },
};
