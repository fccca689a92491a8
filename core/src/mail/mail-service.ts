import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { extensionPoints, type JobContext, type MailSendResult, type OutgoingMail, type MailSendOptions } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { currentExecution } from '../plugins/execution-scope.ts';
import { enabledExtension } from '../plugins/enabled-extension.ts';
import { readMailSettings, writeMailSettings, type MailSettings, type MailSettingsChanges } from './settings.ts';
import { toMessage, toQueued, type QueuedMail } from './message.ts';
import { sendSmtp } from './smtp-transport.ts';
import { providedBranding } from '../ui/branding-source.ts';
import { outboxDir, writeToOutbox } from './outbox-folder.ts';

/** The job that delivers one queued mail: `core.mail.send`. */
export const MAIL_JOB = { owner: 'core', name: 'mail.send' } as const;

export type DeliveredVia = 'extension' | 'smtp' | 'outbox';

/**
 * Core's outgoing mail. `send` validates and queues a job (held in the caller's transaction by either
 * queue, so a rolled-back request sends nothing); the job delivers through, in order: a
 * `MailTransport` extension active for the tenant, the tenant's SMTP settings, or the outbox
 * folder under DATA_DIR. A failed delivery throws and the job queue retries it with backoff.
 */
export class MailService {
  constructor(private readonly container: RootContainer) {}

  private get c() {
    return this.container.cradle;
  }

  /**
   * Queues a mail for a tenant (default: the current execution's); resolves to the mail's queue key
   * (`core.mail.send:<tenant>:<key>`, the job id in embedded mode), the same for the same key.
   */
  async send(mail: OutgoingMail, options: MailSendOptions = {}): Promise<string> {
    const exec = currentExecution();
    const tenantId = options.tenantId ?? exec?.tenantId;
    if (!tenantId) throw new Error('ctx.mail.send: no tenant (pass { tenantId } outside a request, job or event handler)');
    const queued = toQueued(mail, randomUUID(), new Date());
    // Per tenant: job ids are global.
    const jobId = `${tenantId}:${mail.idempotencyKey ?? queued.mailId}`;
    // In a transaction the queue holds the job until commit (a rolled-back request mails nothing)
    // and keeps it through a Redis outage.
    await this.c.jobQueue.enqueue(MAIL_JOB.owner, MAIL_JOB.name, queued, { tenantId, jobId });
    return `${MAIL_JOB.owner}.${MAIL_JOB.name}:${jobId}`;
  }

  /** Pass `trx` inside an open transaction (PGlite has one connection). */
  settings(tenantId: string, trx?: Knex.Transaction): Promise<MailSettings> {
    return readMailSettings(this.c.pluginSettings, tenantId, trx);
  }

  saveSettings(tenantId: string, changes: MailSettingsChanges, trx?: Knex.Transaction): Promise<void> {
    return writeMailSettings(this.c.pluginSettings, tenantId, changes, trx);
  }

  /** The transport extension that replaces SMTP for this tenant, if a usable plugin provides one. */
  transportFor(tenantId: string, trx?: Knex.Transaction) {
    return enabledExtension(this.c, extensionPoints.mail, tenantId, trx);
  }

  /** Delivers a queued mail now (the job handler). */
  async deliver(tenantId: string, queued: QueuedMail): Promise<MailSendResult & { via: DeliveredVia }> {
    const { knex, config } = this.c;
    const settings = await this.settings(tenantId);
    const tenant = (await knex('tenants').where({ id: tenantId }).first('slug')) as { slug: string } | undefined;
    const slug = tenant?.slug ?? tenantId;
    const host = config.publicUrl ? new URL(config.publicUrl).hostname : 'localhost';
    const brand = this.c.pluginServices ? await providedBranding(this.c, tenantId) : {};
    const message = toMessage(queued, settings, `no-reply@${slug}.${host}`, brand.mailFrom);
    const transport = await this.transportFor(tenantId);
    if (transport) return { ...(await transport.extension.impl.send({ tenantId, settings: await transport.settings() }, message)), via: 'extension' };
    if (settings.host) return { ...(await sendSmtp({ ...settings, host: settings.host }, message, config.allowPrivateTargets)), via: 'smtp' };
    return { ...(await writeToOutbox(outboxDir(config.dataDir, slug), queued.mailId, queued.queuedAt, message)), via: 'outbox' };
  }

  /** Job handler of `core.mail.send`. */
  readonly handleJob = async (job: JobContext<QueuedMail>) => {
    if (!job.tenantId) throw new Error('mail job without a tenant');
    const about = { mailId: job.data.mailId, idempotencyKey: job.data.idempotencyKey ?? null, attempt: job.attempt };
    let result: Awaited<ReturnType<MailService['deliver']>>;
    try {
      result = await this.deliver(job.tenantId, job.data);
    } catch (err) {
      // Durable, after the fact: a mail log (the notifications plugin) shows the failed attempt.
      await this.c.eventBus.emit({ source: 'core', name: 'mail.failed', tenantId: job.tenantId, payload: { ...about, error: (err as Error).message } });
      throw err;
    }
    job.logger.info({ mailId: job.data.mailId, via: result.via, accepted: result.accepted.length, rejected: result.rejected.length }, 'mail delivered');
    // Never fail a delivered mail's job over the event (a retry would send it twice).
    await this.c.eventBus.emit({ source: 'core', name: 'mail.sent', tenantId: job.tenantId, payload: { ...about, messageId: result.messageId } })
      .catch((err: unknown) => job.logger.warn({ err }, 'mail.sent event not written'));
    return result;
  };
}
