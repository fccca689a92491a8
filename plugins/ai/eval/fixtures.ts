/**
 * The evaluation set (`npm run eval:ai`) and the tests' knowledge base: hosting-support articles and
 * tickets with the department, priority and article a good triage and retrieval should give.
 */
export const EVAL_DEPARTMENTS = ['Technical support', 'Billing', 'Sales'] as const;

export interface EvalArticle { key: string; title: string; body: string }
export interface EvalTicket { subject: string; body: string; department: (typeof EVAL_DEPARTMENTS)[number]; priority: 'low' | 'medium' | 'high' | 'urgent'; article: string; language: string }

export const EVAL_ARTICLES: EvalArticle[] = [
  { key: 'password', title: 'Resetting your control panel password', body: 'Click "Forgot password" on the login page and follow the reset link we mail you. The password reset link expires after one hour.' },
  { key: 'email', title: 'Setting up email in Outlook and Thunderbird', body: 'Use IMAP on port 993 and SMTP submission on port 587 with your full mailbox address as the user name. Outlook and Thunderbird detect these settings.' },
  { key: 'dns', title: 'Pointing your domain to our nameservers', body: 'Set ns1 and ns2 at your registrar. DNS changes propagate within 24 hours; the domain keeps resolving during the change.' },
  { key: 'ssl', title: 'Installing a free SSL certificate', body: 'Every website gets a free certificate. Enable HTTPS in the panel; the SSL certificate renews automatically before it expires.' },
  { key: 'invoice', title: 'Paying an invoice by card or bank transfer', body: 'Open the invoice in the portal and pay by card. For a bank transfer use the invoice number as reference. Refunds of double payments go back to the card.' },
  { key: 'backup', title: 'Restoring a website backup', body: 'Daily backups are kept for 30 days. Pick a date in Backups and restore the website files or a database.' },
  { key: 'upgrade', title: 'Upgrading your hosting plan', body: 'Upgrade your plan from the Services page; the price difference of the bigger plan is prorated on your next invoice.' },
];

export const EVAL_TICKETS: EvalTicket[] = [
  { subject: 'Forgot my password', body: 'I forgot the password of the control panel and cannot log in. How do I reset the password?', department: 'Technical support', priority: 'medium', article: 'password', language: 'en' },
  { subject: 'Outlook does not receive email', body: 'How do I set up my mailbox in Outlook? Which IMAP port do I use?', department: 'Technical support', priority: 'low', article: 'email', language: 'en' },
  { subject: 'Domain not resolving', body: 'I changed the nameservers at my registrar yesterday and the domain DNS still points to the old host.', department: 'Technical support', priority: 'medium', article: 'dns', language: 'en' },
  { subject: 'Website down after SSL change', body: 'My website is down since I enabled HTTPS, the SSL certificate shows an error. Everything is down, please fix it now!', department: 'Technical support', priority: 'urgent', article: 'ssl', language: 'en' },
  { subject: 'Charged twice', body: 'You charged my card twice for the same invoice. This is unacceptable, I want a refund of the double payment.', department: 'Billing', priority: 'high', article: 'invoice', language: 'en' },
  { subject: 'Bank transfer reference', body: 'What reference do I use to pay the invoice by bank transfer?', department: 'Billing', priority: 'low', article: 'invoice', language: 'en' },
  { subject: 'Deleted my database', body: 'I deleted a database by mistake. Can I restore it from a backup of yesterday?', department: 'Technical support', priority: 'high', article: 'backup', language: 'en' },
  { subject: 'Bigger plan', body: 'I would like to upgrade my hosting plan to a bigger one. What does the upgrade cost?', department: 'Sales', priority: 'low', article: 'upgrade', language: 'en' },
  { subject: 'Passwort vergessen', body: 'Ich habe mein Passwort für das Panel vergessen und kann mich nicht anmelden. Wie kann ich das password reset machen?', department: 'Technical support', priority: 'medium', article: 'password', language: 'de' },
  { subject: 'Factura pagada dos veces', body: 'Hola, pagué la factura dos veces con la tarjeta. Necesito un refund de la invoice, por favor.', department: 'Billing', priority: 'high', article: 'invoice', language: 'es' },
  { subject: 'Restore website files', body: 'My website files were overwritten. Please tell me how to restore the website from backups.', department: 'Technical support', priority: 'high', article: 'backup', language: 'en' },
  { subject: 'Certificate renewal', body: 'Does the SSL certificate renew automatically before it expires, or do I renew HTTPS myself?', department: 'Technical support', priority: 'low', article: 'ssl', language: 'en' },
];
