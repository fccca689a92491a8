import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import { MAIL_JOB, MailService } from './mail-service.ts';
import { MAIL_PERMISSIONS, mailRoutes } from './routes.ts';

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
    for (const p of MAIL_PERMISSIONS) container.cradle.permissionRegistry.register('core', p);
  },
  routes: (container) => mailRoutes(container),
};

declare module '../container.ts' {
  interface CoreCradle {
    mail: MailService;
  }
}
