import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import { MAIL_JOB, MailService } from './mail-service.ts';

/**
 * Outgoing mail (`mail` in the container, `ctx.mail` for plugins). Listed after the plugin system:
 * it needs the job queue, and plugins only reach it when they send, never while registering.
 */
export const mailModule: CoreModule = {
  name: 'mail',
  register(container) {
    const mail = new MailService(container);
    container.register({ mail: asValue(mail) });
    container.cradle.jobQueue.define(MAIL_JOB.owner, MAIL_JOB.name, mail.handleJob as never, { attempts: 6, backoffMs: 5_000 });
  },
};

declare module '../container.ts' {
  interface CoreCradle {
    mail: MailService;
  }
}
