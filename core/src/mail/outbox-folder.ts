import { appendFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage, MailSendResult } from '@mpanel/sdk';
import { nodemailerMessage } from './nodemailer-message.ts';

/** `<DATA_DIR>/mail-outbox/<tenant>`: where a tenant's mail goes while it has no SMTP server. */
export function outboxDir(dataDir: string, tenant: string): string {
  return join(dataDir, 'mail-outbox', tenant);
}

/** One line of `index.jsonl` beside the messages. */
export interface OutboxEntry {
  id: string;
  file: string;
  to: string[];
  subject: string;
  queuedAt: string;
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * Writes the message as an RFC 822 `.eml` file (opens in any mail client) and appends it to the
 * folder's `index.jsonl`. The name comes from the queue time and mail id, so a retried job finds
 * its file and writes nothing twice; the file appears whole (written aside, then renamed).
 */
export async function writeToOutbox(dir: string, mailId: string, queuedAt: string, message: MailMessage): Promise<MailSendResult> {
  const file = `${queuedAt.replace(/[-:.]/g, '').replace('T', '-')}-${mailId}.eml`;
  const path = join(dir, file);
  const result: MailSendResult = { messageId: message.headers?.['Message-ID'] ?? `<${mailId}@mpanel>`, accepted: message.to.map((a) => a.email), rejected: [] };
  if (await exists(path)) return result;
  await mkdir(dir, { recursive: true });
  const built = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }).sendMail(nodemailerMessage(message));
  await writeFile(`${path}.tmp`, built.message as Buffer);
  await rename(`${path}.tmp`, path);
  const entry: OutboxEntry = { id: mailId, file, to: result.accepted, subject: message.subject, queuedAt };
  await appendFile(join(dir, 'index.jsonl'), `${JSON.stringify(entry)}\n`);
  return result;
}
