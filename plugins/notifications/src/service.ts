import type { NotificationsService, PluginContext } from '@mpanel/sdk';
import { Registry } from './registry.ts';
import { sendTemplated } from './mail/send-mail.ts';
import { notify } from './notify/notify.ts';
import { OWN_TEMPLATES } from './own-templates.ts';

/** The service other plugins resolve (`notificationsRef`), over one registry per process. */
export function createNotificationsService(ctx: PluginContext): { service: NotificationsService; registry: Registry } {
  const registry = new Registry();
  for (const t of OWN_TEMPLATES) registry.addTemplate(t);
  const service: NotificationsService = {
    registerTemplate: (def) => registry.addTemplate(def),
    registerType: (def) => registry.addType(def),
    sendMail: (mail) => sendTemplated(ctx, registry, mail),
    notify: (input) => notify(ctx, registry, { ...input }),
  };
  return { service, registry };
}
