import type { MailTemplateDefinition } from '@mpanel/sdk';

/** The announcement mail (through the notifications plugin's templates, editable per tenant). */
export const ANNOUNCEMENT_TEMPLATE: MailTemplateDefinition = {
  key: 'support.announcement',
  description: 'Support: an announcement mailed to clients',
  defaults: {
    en: { subject: '{{title}}', html: '<p>Hello {{name}},</p><h2>{{title}}</h2><p>{{summary}}</p><p><a href="{{url}}">Read the announcement</a></p>', text: 'Hello {{name}},\n\n{{title}}\n\n{{summary}}\n\nRead it: {{url}}' },
    de: { subject: '{{title}}', html: '<p>Hallo {{name}},</p><h2>{{title}}</h2><p>{{summary}}</p><p><a href="{{url}}">Zur Ankündigung</a></p>', text: 'Hallo {{name}},\n\n{{title}}\n\n{{summary}}\n\nZur Ankündigung: {{url}}' },
  },
  sampleData: { name: 'Ada Lovelace', title: 'Scheduled maintenance on 12 December', summary: 'Mail will be unavailable for 10 minutes from 02:00 UTC.', url: 'https://panel.example.com/client/announcements/1' },
};
