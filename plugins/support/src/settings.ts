import { TICKET_SETTING_DEFAULTS, TICKET_SETTING_FIELDS, type TicketSettings } from './tickets/settings.ts';

/** A tenant's support settings (`PUT /api/v1/plugins/support/settings`): one spread per area. */
export type SupportSettings = TicketSettings;

const DEFAULTS: Record<string, unknown> = { ...TICKET_SETTING_DEFAULTS };
const FIELDS: Record<string, Record<string, unknown>> = { ...TICKET_SETTING_FIELDS };

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(FIELDS).map(([key, schema]) => [key, { ...schema, default: DEFAULTS[key] }])),
} as const;

/** Stored values over the defaults (a value stored before a field existed is simply absent). */
export function withDefaults(stored: Partial<SupportSettings> | null | undefined): SupportSettings {
  const out = { ...TICKET_SETTING_DEFAULTS } as SupportSettings;
  for (const [key, value] of Object.entries(stored ?? {})) {
    if (value !== undefined && key in FIELDS) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
