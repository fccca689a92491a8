import { notificationsRef, type MailTemplateDefinition, type PluginContext } from '@mpanel/sdk';
import { tenantDb } from './operation-store.ts';

/** The provisioning notices a client gets (notifications templates, editable per tenant, en + de). */
export const SERVICE_READY: MailTemplateDefinition = {
  key: 'hosting.service.ready',
  description: 'Hosting: the client\'s new hosting account is set up',
  defaults: {
    en: {
      subject: 'Your hosting {{domain}} is ready',
      html: '<p>Hello {{name}},</p><p>your hosting account <strong>{{domain}}</strong> is set up and ready to use.</p><p>User name: {{username}}</p>{{#if portalUrl}}<p><a href="{{portalUrl}}">Open the client portal</a></p>{{/if}}',
      text: 'Hello {{name}},\n\nyour hosting account {{domain}} is set up and ready to use.\nUser name: {{username}}\n\n{{portalUrl}}',
    },
    de: {
      subject: 'Ihr Hosting {{domain}} ist bereit',
      html: '<p>Hallo {{name}},</p><p>Ihr Hosting-Konto <strong>{{domain}}</strong> ist eingerichtet und bereit.</p><p>Benutzername: {{username}}</p>{{#if portalUrl}}<p><a href="{{portalUrl}}">Zum Kundenportal</a></p>{{/if}}',
      text: 'Hallo {{name}},\n\nIhr Hosting-Konto {{domain}} ist eingerichtet und bereit.\nBenutzername: {{username}}\n\n{{portalUrl}}',
    },
  },
  sampleData: { name: 'Ada Lovelace', domain: 'example.com', username: 'example', portalUrl: 'https://panel.example.com/client' },
};

export const PROVISIONING_FAILED: MailTemplateDefinition = {
  key: 'hosting.provisioning.failed',
  description: 'Hosting: setting up the client\'s hosting account stopped (the team is on it)',
  defaults: {
    en: {
      subject: 'Setting up {{domain}} is delayed',
      html: '<p>Hello {{name}},</p><p>setting up your hosting account <strong>{{domain}}</strong> did not finish: {{reason}}</p><p>Our team has been told and will finish it; you need not do anything.</p>',
      text: 'Hello {{name}},\n\nsetting up your hosting account {{domain}} did not finish: {{reason}}\n\nOur team has been told and will finish it; you need not do anything.',
    },
    de: {
      subject: 'Die Einrichtung von {{domain}} verzögert sich',
      html: '<p>Hallo {{name}},</p><p>die Einrichtung Ihres Hosting-Kontos <strong>{{domain}}</strong> wurde nicht abgeschlossen: {{reason}}</p><p>Unser Team ist informiert und schließt sie ab; Sie müssen nichts tun.</p>',
      text: 'Hallo {{name}},\n\ndie Einrichtung Ihres Hosting-Kontos {{domain}} wurde nicht abgeschlossen: {{reason}}\n\nUnser Team ist informiert und schließt sie ab; Sie müssen nichts tun.',
    },
  },
  sampleData: { name: 'Ada Lovelace', domain: 'example.com', reason: 'The server did not answer in time.' },
};

interface OutcomePayload { operationId: string; action: string; accountId: string | null }

/**
 * Mails the client when the setup of a hosting account (a `create` operation) succeeds or stops
 * for a person, following hosting's own durable events: keyed by the operation, so a redelivered
 * event mails once; the client-safe message only (never the server's error). Needs the
 * notifications plugin (templates, the client's language, the mail log); without it the client
 * sees the state in the portal only, as before.
 */
export function registerClientNotices(plugin: PluginContext): void {
  const notifications = plugin.services.tryResolve(notificationsRef);
  if (!notifications) return;
  notifications.registerTemplate(SERVICE_READY);
  notifications.registerTemplate(PROVISIONING_FAILED);
  for (const [event, template] of [['provisioning.succeeded', SERVICE_READY], ['provisioning.failed', PROVISIONING_FAILED]] as const) {
    plugin.events.subscribe<OutcomePayload>(event, async (e, h) => {
      if (!e.tenantId || e.payload.action !== 'create' || !e.payload.accountId) return;
      const db = tenantDb(h.trx, e.tenantId);
      const account = (await db('hosting_accounts').where('hosting_accounts.id', e.payload.accountId).first('client_id', 'domain', 'username')) as { client_id: string; domain: string | null; username: string } | undefined;
      if (!account) return;
      const client = (await db('clients').where('clients.id', account.client_id).first('email', 'first_name', 'last_name', 'language')) as Record<string, string | null> | undefined;
      if (!client?.email) return;
      const op = (await db('provisioning_operations').where('provisioning_operations.id', e.payload.operationId).first('client_message')) as { client_message: string | null } | undefined;
      const name = `${client.first_name ?? ''} ${client.last_name ?? ''}`.trim();
      const base = (await plugin.tenantUrl(e.tenantId)) ?? ''; // the tenant's verified domain, else the platform's
      await notifications.sendMail({
        template: template.key, tenantId: e.tenantId, to: { email: client.email, name }, language: client.language, clientId: account.client_id,
        data: { name, domain: account.domain ?? account.username, username: account.username, reason: op?.client_message ?? '', portalUrl: base ? `${base}/client` : '' },
        idempotencyKey: `hosting:${event}:${e.payload.operationId}`,
      });
    });
  }
}
