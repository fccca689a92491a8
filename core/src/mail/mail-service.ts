import { randomUUID } from 'node:crypto';
import { extensionPoints, type JobContext, type MailSendResult, type OutgoingMail, type MailSendOptions, type ProvidedExtension, type MailTransport } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { currentExecution } from '../plugins/execution-scope.ts';
import { readMailSettings, writeMailSettings, type MailSettings } from './settings.ts';
import { toMessage, toQueued, type QueuedMail } from './message.ts';
import { sendSmtp } from './smtp-transport.ts';
import { outboxDir, writeToOutbox } from './outbox-folder.ts';

/** The job that delivers one queued mail: `core.mail.send`. */
export const MAIL_JOB = { owner: 'core', name: 'mail.send' } as const;

export type DeliveredVia = 'extension' | 'smtp' | 'outbox';

/**
 * Core's outgoing mail. `send` validates and queues a job (in the caller's transaction in embedded
 * mode, so a rolled-back request sends nothing); the job delivers through, in order: a
 * `MailTransport` extension active for the tenant, the tenant's SMTP settings, or the outbox
 * folder under DATA_DIR. A failed delivery throws and the job queue retries it with backoff.
 */
export class MailService {
  constructor(private readonly container: RootContainer) {}

  private get c() {
    return this.container.cradle;
  }

  /** Queues a mail for a tenant (default: the current execution's); resolves to the job id. */
  async send(mail: OutgoingMail, options: MailSendOptions = {}): Promise<string> {
    const tenantId = options.tenantId ?? currentExecution()?.tenantId;
    if (!tenantId) throw new Error('ctx.mail.send: no tenant (pass { tenantId } outside a request, job or event handler)');
    const queued = toQueued(mail, randomUUID(), new Date());
    // The key is per tenant: job ids are global.
    const jobId = mail.idempotencyKey ? `${tenantId}:${mail.idempotencyKey}` : undefined;
    return this.c.jobQueue.enqueue(MAIL_JOB.owner, MAIL_JOB.name, queued, { tenantId, jobId });
  }

  settings(tenantId: string): Promise<MailSettings> {
    return readMailSettings(this.c.pluginSettings, tenantId);
  }

  saveSettings(tenantId: string, changes: Parameters<typeof writeMailSettings>[2]): Promise<void> {
    return writeMailSettings(this.c.pluginSettings, tenantId, changes);
  }

  /** The transport extension that replaces SMTP for this tenant, if a usable plugin provides one. */
  async transportFor(tenantId: string): Promise<ProvidedExtension<MailTransport> | undefined> {
    const { pluginServices, pluginManager, pluginTenantStates } = this.c;
    for (const e of pluginServices.listExtensions(extensionPoints.mail)) {
      // The exact state, not the cache: a tenant that just disabled its relay must fall back at once.
      if (pluginManager.isUsable(e.owner) && (await pluginTenantStates.isEnabled(e.owner, tenantId))) return e;
    }
    return undefined;
  }

  /** Delivers a queued mail now (the job handler). */
  async deliver(tenantId: string, queued: QueuedMail): Promise<MailSendResult & { via: DeliveredVia }> {
    const { knex, config, pluginSettings, pluginManager } = this.c;
    const settings = await this.settings(tenantId);
    const tenant = (await knex('tenants').where({ id: tenantId }).first('slug')) as { slug: string } | undefined;
    const slug = tenant?.slug ?? tenantId;
    const host = config.publicUrl ? new URL(config.publicUrl).hostname : 'localhost';
    const message = toMessage(queued, settings, `no-reply@${slug}.${host}`);
    const extension = await this.transportFor(tenantId);
    if (extension) {
      const schema = pluginManager.get(extension.owner)?.manifest?.settings;
      const extSettings = await pluginSettings.read(extension.owner, schema, tenantId);
      return { ...(await extension.impl.send({ tenantId, settings: extSettings }, message)), via: 'extension' };
    }
    if (settings.host) return { ...(await sendSmtp({ ...settings, host: settings.host }, message)), via: 'smtp' };
    return { ...(await writeToOutbox(outboxDir(config.dataDir, slug), queued.mailId, queued.queuedAt, message)), via: 'outbox' };
  }

  /** Job handler of `core.mail.send`. */
  readonly handleJob = async (job: JobContext<QueuedMail>) => {
    if (!job.tenantId) throw new Error('mail job without a tenant');
    const result = await this.deliver(job.tenantId, job.data);
    job.logger.info({ mailId: job.data.mailId, via: result.via, accepted: result.accepted.length, rejected: result.rejected.length }, 'mail delivered');
    return result;
  };
}
