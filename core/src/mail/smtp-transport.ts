import nodemailer from 'nodemailer';
import type { MailMessage, MailSendResult } from '@mpanel/sdk';
import type { MailSettings } from './settings.ts';
import { nodemailerMessage } from './nodemailer-message.ts';
import { resolvePublicAddress } from '../net/address-guard.ts';

const asStrings = (list: unknown[] | undefined) => (list ?? []).map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? a)));

/**
 * Sends one message over the tenant's SMTP server. A connection per message: mail goes out from
 * jobs a few at a time, and a pooled connection would outlive a settings change. The host is the
 * tenant's choice, so it goes through the private-address guard, and the connection goes to the
 * address checked (the name stays the TLS server name).
 */
export async function sendSmtp(settings: MailSettings & { host: string }, message: MailMessage, allowPrivateTargets: boolean): Promise<MailSendResult> {
  const { address } = await resolvePublicAddress(settings.host, allowPrivateTargets);
  const transport = nodemailer.createTransport({
    host: address,
    servername: settings.host.replace(/^\[|\]$/g, ''),
    port: settings.port ?? (settings.secure ? 465 : 587),
    secure: settings.secure ?? false,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail(nodemailerMessage(message));
    return { messageId: info.messageId, accepted: asStrings(info.accepted), rejected: asStrings(info.rejected) };
  } finally {
    transport.close();
  }
}
