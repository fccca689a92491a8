import type { MailTemplateDefinition } from '@mpanel/sdk';

/** The client's expiry alert (notifications templates, editable per tenant, en + de). */
export const EXPIRING_TEMPLATE: MailTemplateDefinition = {
  key: 'ssl.certificate.expiring',
  description: 'SSL: a certificate of the client has less than a sixth of its lifetime left, or expired',
  defaults: {
    en: {
      subject: '{{#if expired}}The SSL certificate of {{domain}} has expired{{else}}The SSL certificate of {{domain}} expires in {{days}} day(s){{/if}}',
      html: '<p>Hello {{name}},</p><p>the SSL certificate of <strong>{{domain}}</strong> {{#if expired}}expired on {{notAfter}}{{else}}expires on {{notAfter}}{{/if}} and could not be renewed yet.</p><p>Reason: {{reason}}</p><p>We keep trying; if the reason names something on your side (DNS records), please fix it.</p>',
      text: 'Hello {{name}},\n\nthe SSL certificate of {{domain}} {{#if expired}}expired on {{notAfter}}{{else}}expires on {{notAfter}}{{/if}} and could not be renewed yet.\n\nReason: {{reason}}\n\nWe keep trying; if the reason names something on your side (DNS records), please fix it.',
    },
    de: {
      subject: '{{#if expired}}Das SSL-Zertifikat von {{domain}} ist abgelaufen{{else}}Das SSL-Zertifikat von {{domain}} läuft in {{days}} Tag(en) ab{{/if}}',
      html: '<p>Hallo {{name}},</p><p>das SSL-Zertifikat von <strong>{{domain}}</strong> {{#if expired}}ist am {{notAfter}} abgelaufen{{else}}läuft am {{notAfter}} ab{{/if}} und konnte noch nicht erneuert werden.</p><p>Grund: {{reason}}</p><p>Wir versuchen es weiter; nennt der Grund etwas auf Ihrer Seite (DNS-Einträge), beheben Sie es bitte.</p>',
      text: 'Hallo {{name}},\n\ndas SSL-Zertifikat von {{domain}} {{#if expired}}ist am {{notAfter}} abgelaufen{{else}}läuft am {{notAfter}} ab{{/if}} und konnte noch nicht erneuert werden.\n\nGrund: {{reason}}\n\nWir versuchen es weiter; nennt der Grund etwas auf Ihrer Seite (DNS-Einträge), beheben Sie es bitte.',
    },
  },
  sampleData: { name: 'Ada Lovelace', domain: 'example.com', days: 5, expired: false, notAfter: '2027-01-31', reason: 'The CA could not look up the name in DNS.' },
};
