import { AccountResource } from './account-resource.ts';

/** A mail domain of a hosting account; its DKIM private key is stored sealed only. */
export class MailDomain extends AccountResource {
  static override tableName = 'mail_domains';
  static override jsonAttributes = ['dnsRecords'];
  domain!: string;
  catchAll!: string | null;
  dkimSelector!: string;
  dkimPrivateSealed!: string;
  dkimPublicKey!: string;
  dnsRecords!: Array<{ name: string; type: 'MX' | 'TXT'; value: string }>;
}

export interface Autoresponder { subject: string; body: string; from: string | null; until: string | null }

/** A mailbox; the password is stored only as a Dovecot `{ARGON2ID}` hash. */
export class Mailbox extends AccountResource {
  static override tableName = 'mailboxes';
  static override jsonAttributes = ['autoresponder'];
  mailDomainId!: string;
  localPart!: string;
  passwordHash!: string;
  quotaMb!: number;
  sendLimitPerHour!: number | null;
  autoresponder!: Autoresponder | null;
}

/** A forwarder: mail for `localPart@domain` goes to the targets (mailboxes here or outside addresses). */
export class MailAlias extends AccountResource {
  static override tableName = 'mail_aliases';
  mailDomainId!: string;
  localPart!: string;
  targets!: string[];
}
