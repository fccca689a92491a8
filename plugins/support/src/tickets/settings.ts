import type { SlaTargets } from './sla.ts';

/** The tenant settings of tickets, their mail and attachments. */
export interface TicketSettings {
  /** A ticket answered by staff and left without a client reply is closed after this many hours (0 = never). */
  autoCloseHours: number;
  /** SLA targets per priority, in minutes (0 = none). */
  slaTargets: SlaTargets;
  /** A warning once this share of an SLA target's time is used. */
  slaWarnPercent: number;
  /** Attachments: the largest file accepted, in bytes. */
  attachmentMaxBytes: number;
  /** Attachments: accepted file name extensions (lower case, without the dot). */
  attachmentExtensions: string[];
  /** Incoming mail: how many mails one sender may send per hour; the rest are refused. */
  mailPerSenderPerHour: number;
  /** Country of a client created from a mail (department policy `create_client`). */
  newClientCountry: string;
  /** Currency of such a client. */
  newClientCurrency: string;
}

const target = (firstResponseMinutes: number, resolutionMinutes: number) => ({ firstResponseMinutes, resolutionMinutes });

export const TICKET_SETTING_DEFAULTS: TicketSettings = {
  autoCloseHours: 72,
  slaTargets: { low: target(24 * 60, 7 * 24 * 60), medium: target(8 * 60, 3 * 24 * 60), high: target(2 * 60, 24 * 60), urgent: target(30, 8 * 60) },
  slaWarnPercent: 80,
  // The API takes attachments inside a JSON body (1 MB at most, base64): 512 KiB fits; mail may bring more.
  attachmentMaxBytes: 512 * 1024,
  attachmentExtensions: ['png', 'jpg', 'jpeg', 'gif', 'pdf', 'txt', 'log', 'zip', 'csv'],
  mailPerSenderPerHour: 20,
  newClientCountry: 'US',
  newClientCurrency: 'USD',
};

const minutes = { type: 'integer', minimum: 0, maximum: 60 * 24 * 365 };
const slaTarget = { type: 'object', additionalProperties: false, required: ['firstResponseMinutes', 'resolutionMinutes'], properties: { firstResponseMinutes: minutes, resolutionMinutes: minutes } };

export const TICKET_SETTING_FIELDS = {
  autoCloseHours: { type: 'integer', minimum: 0, maximum: 24 * 365 },
  slaTargets: { type: 'object', additionalProperties: false, required: ['low', 'medium', 'high', 'urgent'], properties: { low: slaTarget, medium: slaTarget, high: slaTarget, urgent: slaTarget } },
  slaWarnPercent: { type: 'integer', minimum: 1, maximum: 99 },
  attachmentMaxBytes: { type: 'integer', minimum: 1, maximum: 50 * 1024 * 1024 },
  attachmentExtensions: { type: 'array', maxItems: 100, items: { type: 'string', pattern: '^[a-z0-9]{1,10}$' } },
  mailPerSenderPerHour: { type: 'integer', minimum: 1, maximum: 10_000 },
  newClientCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
  newClientCurrency: { type: 'string', pattern: '^[A-Z]{3}$' },
};
