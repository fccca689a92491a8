import type { MailTemplateDefinition } from '@mpanel/sdk';

/** The mail of a notification whose type names no template of its own, and the staff digest. */
export const OWN_TEMPLATES: MailTemplateDefinition[] = [
  {
    key: 'notifications.notice',
    description: 'A notification sent by mail',
    defaults: {
      en: { subject: '{{title}}', html: '<p>{{title}}</p>{{#if body}}<p>{{body}}</p>{{/if}}{{#if link}}<p><a href="{{link}}">Open</a></p>{{/if}}', text: '{{title}}\n\n{{body}}\n{{link}}' },
      de: { subject: '{{title}}', html: '<p>{{title}}</p>{{#if body}}<p>{{body}}</p>{{/if}}{{#if link}}<p><a href="{{link}}">Öffnen</a></p>{{/if}}', text: '{{title}}\n\n{{body}}\n{{link}}' },
    },
    sampleData: { title: 'Service web-1 was provisioned', body: 'example.com is ready.', link: 'https://panel.example.com/admin/services/1' },
  },
  {
    key: 'notifications.digest',
    description: 'The daily digest of unread notifications (staff who chose it)',
    defaults: {
      en: {
        subject: '{{count}} unread notifications',
        html: '<p>Hello {{name}},</p><p>You have {{count}} unread notifications:</p><ul>{{#each items}}<li>{{title}}{{#if body}}: {{body}}{{/if}}</li>{{/each}}</ul>',
        text: 'Hello {{name}},\n\nYou have {{count}} unread notifications:\n{{#each items}}- {{title}}{{#if body}}: {{body}}{{/if}}\n{{/each}}',
      },
      de: {
        subject: '{{count}} ungelesene Benachrichtigungen',
        html: '<p>Hallo {{name}},</p><p>Sie haben {{count}} ungelesene Benachrichtigungen:</p><ul>{{#each items}}<li>{{title}}{{#if body}}: {{body}}{{/if}}</li>{{/each}}</ul>',
        text: 'Hallo {{name}},\n\nSie haben {{count}} ungelesene Benachrichtigungen:\n{{#each items}}- {{title}}{{#if body}}: {{body}}{{/if}}\n{{/each}}',
      },
    },
    sampleData: { name: 'Alex', count: 2, items: [{ title: 'Invoice INV-2026-00042 is overdue', body: '' }, { title: 'Ticket #12: customer reply', body: 'Thanks, it works now' }] },
  },
];
