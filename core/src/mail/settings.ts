import type { Knex } from 'knex';
import type { JsonSchema } from '@mpanel/sdk';
import type { SettingsStore } from '../plugins/settings-store.ts';

/** A tenant's outgoing mail settings. Without `host`, mail goes to the outbox folder. */
export interface MailSettings {
  host?: string;
  port?: number;
  /** TLS from the first byte (465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  user?: string;
  /** Stored AES-256-GCM sealed (the settings store's `secret` fields). */
  password?: string;
  fromEmail?: string;
  fromName?: string;
}

/** Kept in `plugin_settings` under this id: the same sealed storage plugins use, no table of its own. */
export const MAIL_SETTINGS_ID = 'core.mail';

export const mailSettingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 255 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean' },
    user: { type: 'string', maxLength: 320 },
    password: { type: 'string', maxLength: 1024, secret: true },
    fromEmail: { type: 'string', format: 'email', maxLength: 320 },
    fromName: { type: 'string', maxLength: 200 },
  },
};

export type MailSettingsChanges = { [K in keyof MailSettings]?: MailSettings[K] | null };

export function readMailSettings(store: SettingsStore, tenantId: string, trx?: Knex.Transaction): Promise<MailSettings> {
  return store.read(MAIL_SETTINGS_ID, mailSettingsSchema, tenantId, trx) as Promise<MailSettings>;
}

/** Merges `changes` into the tenant's settings (null removes a field; an omitted password is kept). */
export function writeMailSettings(store: SettingsStore, tenantId: string, changes: MailSettingsChanges, trx?: Knex.Transaction): Promise<void> {
  return store.write(MAIL_SETTINGS_ID, mailSettingsSchema, tenantId, changes, trx);
}
