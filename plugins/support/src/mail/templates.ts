import { notificationsRef, type MailTemplateDefinition, type PluginContext } from '@mpanel/sdk';
import { REPLY_ABOVE } from './trim.ts';

/**
 * The ticket mails as notifications templates (tenant-editable, en + de). The text parts keep the
 * reply marker first: incoming replies are cut there (trim.ts), so a tenant's edit should keep it.
 */
const THREAD = '<div style="white-space:pre-wrap">{{message}}</div>';

export const TICKET_OPENED: MailTemplateDefinition = {
  key: 'support.ticket.opened',
  description: 'Support: receipt of a new ticket, to the client',
  defaults: {
    en: {
      subject: '[#{{number}}] {{subject}}',
      html: `<p>${REPLY_ABOVE}</p><p>Hello {{name}},</p><p>We received your request and opened ticket #{{number}} in {{department}}.</p><p>Reply to this mail to add to it.</p>`,
      text: `${REPLY_ABOVE}\n\nHello {{name}},\n\nWe received your request and opened ticket #{{number}} in {{department}}.\nReply to this mail to add to it.`,
    },
    de: {
      subject: '[#{{number}}] {{subject}}',
      html: `<p>${REPLY_ABOVE}</p><p>Hallo {{name}},</p><p>wir haben Ihre Anfrage erhalten und das Ticket #{{number}} in {{department}} eröffnet.</p><p>Antworten Sie auf diese Mail, um etwas hinzuzufügen.</p>`,
      text: `${REPLY_ABOVE}\n\nHallo {{name}},\n\nwir haben Ihre Anfrage erhalten und das Ticket #{{number}} in {{department}} eröffnet.\nAntworten Sie auf diese Mail, um etwas hinzuzufügen.`,
    },
  },
  sampleData: { name: 'Ada Lovelace', number: 1042, subject: 'Server down', department: 'Technical support' },
};

export const TICKET_REPLY: MailTemplateDefinition = {
  key: 'support.ticket.reply',
  description: 'Support: a staff answer on a ticket, to the client',
  defaults: {
    en: {
      subject: 'Re: [#{{number}}] {{subject}}',
      html: `<p>${REPLY_ABOVE}</p><p>Hello {{name}},</p>${THREAD}<p>{{staff}}<br>{{department}} · ticket #{{number}}</p><p>Reply to this mail to answer.</p>`,
      text: `${REPLY_ABOVE}\n\nHello {{name}},\n\n{{message}}\n\n-- \n{{staff}}\n{{department}} · ticket #{{number}}\nReply to this mail to answer.`,
    },
    de: {
      subject: 'Re: [#{{number}}] {{subject}}',
      html: `<p>${REPLY_ABOVE}</p><p>Hallo {{name}},</p>${THREAD}<p>{{staff}}<br>{{department}} · Ticket #{{number}}</p><p>Antworten Sie auf diese Mail, um zu antworten.</p>`,
      text: `${REPLY_ABOVE}\n\nHallo {{name}},\n\n{{message}}\n\n-- \n{{staff}}\n{{department}} · Ticket #{{number}}\nAntworten Sie auf diese Mail, um zu antworten.`,
    },
  },
  sampleData: { name: 'Ada Lovelace', number: 1042, subject: 'Server down', department: 'Technical support', staff: 'Sam', message: 'We restarted the server; it is back.' },
};

export const TICKET_AUTO_CLOSED: MailTemplateDefinition = {
  key: 'support.ticket.autoClosed',
  description: 'Support: a ticket closed automatically after no client reply',
  defaults: {
    en: {
      subject: 'Closed: [#{{number}}] {{subject}}',
      html: '<p>Hello {{name}},</p><p>We closed ticket #{{number}} after {{hours}} hours without a reply from you. Reply to this mail if you still need help.</p>',
      text: 'Hello {{name}},\n\nWe closed ticket #{{number}} after {{hours}} hours without a reply from you. Reply to this mail if you still need help.',
    },
    de: {
      subject: 'Geschlossen: [#{{number}}] {{subject}}',
      html: '<p>Hallo {{name}},</p><p>wir haben das Ticket #{{number}} nach {{hours}} Stunden ohne Antwort von Ihnen geschlossen. Antworten Sie auf diese Mail, wenn Sie weiter Hilfe brauchen.</p>',
      text: 'Hallo {{name}},\n\nwir haben das Ticket #{{number}} nach {{hours}} Stunden ohne Antwort von Ihnen geschlossen. Antworten Sie auf diese Mail, wenn Sie weiter Hilfe brauchen.',
    },
  },
  sampleData: { name: 'Ada Lovelace', number: 1042, subject: 'Server down', hours: 72 },
};

/** To staff (through `notify`, so each chooses bell and/or mail): the data is the notification's. */
export const TICKET_ESCALATED: MailTemplateDefinition = {
  key: 'support.ticket.escalated',
  description: 'Support: a ticket breached its SLA and was escalated (to staff)',
  defaults: {
    en: {
      subject: 'SLA breached: [#{{number}}] {{subject}}',
      html: '<p>Ticket #{{number}} ({{subject}}) breached its SLA and was escalated from {{from}} to {{to}}.</p>{{#if link}}<p><a href="{{link}}">Open the ticket</a></p>{{/if}}',
      text: 'Ticket #{{number}} ({{subject}}) breached its SLA and was escalated from {{from}} to {{to}}.\n{{link}}',
    },
    de: {
      subject: 'SLA verletzt: [#{{number}}] {{subject}}',
      html: '<p>Das Ticket #{{number}} ({{subject}}) hat sein SLA verletzt und wurde von {{from}} auf {{to}} eskaliert.</p>{{#if link}}<p><a href="{{link}}">Ticket öffnen</a></p>{{/if}}',
      text: 'Das Ticket #{{number}} ({{subject}}) hat sein SLA verletzt und wurde von {{from}} auf {{to}} eskaliert.\n{{link}}',
    },
  },
  sampleData: { number: 1042, subject: 'Server down', from: 'high', to: 'urgent', link: 'https://panel.example.com/admin/tickets/1' },
};

export const ESCALATED_TYPE = 'support.ticket.escalated';

/** Register phase: the templates and the escalation notification type (nothing without notifications). */
export function registerTicketTemplates(ctx: PluginContext): void {
  const notifications = ctx.services.tryResolve(notificationsRef);
  if (!notifications) return;
  for (const t of [TICKET_OPENED, TICKET_REPLY, TICKET_AUTO_CLOSED, TICKET_ESCALATED]) notifications.registerTemplate(t);
  notifications.registerType({ type: ESCALATED_TYPE, description: 'A ticket breached its SLA and was escalated', defaults: { inApp: true, mail: true }, mailTemplate: TICKET_ESCALATED.key });
}
