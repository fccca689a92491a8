/** Ten articles on hosting topics and the article each query must find first (shared with bench/support-kb.ts). */
export interface FixtureArticle {
  key: string;
  title: string;
  slug: string;
  body: string;
  status?: 'draft' | 'published';
  visibility?: 'public' | 'clients' | 'staff';
}

const a = (key: string, title: string, body: string, extra: Partial<FixtureArticle> = {}): FixtureArticle => ({
  key, title, body, slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), ...extra,
});

export const KB_FIXTURE: FixtureArticle[] = [
  a('transfer', 'Transferring a domain to us', 'To transfer your domain, unlock it at the current registrar and request the EPP auth code. The transfer takes up to five days.'),
  a('nameservers', 'Pointing your domain to our nameservers', 'Set ns1 and ns2 at your registrar. DNS changes propagate within 24 hours. Your domain keeps working during the change.'),
  a('ssl', 'Installing a free SSL certificate', 'Every website gets a free Let\'s Encrypt certificate. Enable HTTPS in the panel; renewal is automatic before expiry.'),
  a('email-client', 'Setting up email in Outlook and Thunderbird', 'Use IMAP on port 993 and SMTP submission on port 587 with your full mailbox address as the user name.'),
  a('password', 'Resetting your control panel password', 'Click "Forgot password" on the login page and follow the link we mail you. The link expires after one hour.'),
  a('backup', 'Restoring a website backup', 'Daily backups are kept for 30 days. Pick a date in Backups and restore files or a database.'),
  a('php', 'Changing the PHP version of a website', 'Each website can run PHP 8.1, 8.2 or 8.3. Change the version under Website settings; no restart is needed.'),
  a('invoice', 'Paying an invoice by card or bank transfer', 'Open the invoice in the portal and pay by card. For a bank transfer use the invoice number as reference.'),
  a('draft', 'Migration guide from cPanel', 'Step by step migration of accounts, mailboxes and databases from a cPanel server.', { status: 'draft' }),
  a('staff-only', 'Escalation rules for outages', 'Internal: page the on-call engineer for any outage longer than 10 minutes.', { visibility: 'staff' }),
  a('clients-only', 'Upgrading your hosting plan', 'Upgrade from the Services page; the difference is prorated on your next invoice.', { visibility: 'clients' }),
];

export const KB_QUERIES: Array<{ q: string; first: string }> = [
  { q: 'transfer domain', first: 'transfer' },
  { q: 'nameservers', first: 'nameservers' },
  { q: 'ssl certificate https', first: 'ssl' },
  { q: 'outlook imap', first: 'email-client' },
  { q: 'forgot password', first: 'password' },
  { q: 'restore backup', first: 'backup' },
  { q: 'php version', first: 'php' },
  { q: 'pay invoice bank transfer', first: 'invoice' },
];
