import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A mail client for the mail end-to-end tests, through curl: SMTP (plain port or submission with
 * a login), IMAP and POP3 logins and reads against the private mail lab (test/support/mail-lab.ts).
 * Each answers curl's exit code (0: done; 67: login refused; 55/56: the server refused) and output.
 */
export interface CurlAnswer { code: number | null; out: string; err: string }

const curl = (args: string[], input?: string): CurlAnswer => {
  const r = spawnSync('curl', ['-sS', '--max-time', '30', ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

export function message(from: string, to: string, subject: string, body = 'Hello through mPanel.'): string {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  return `From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nMessage-ID: <${randomBytes(6).toString('hex')}@${domain}>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}\r\n`;
}

export function smtp(port: number, from: string, to: string, subject: string, opts: { auth?: { user: string; pass: string }; body?: string } = {}): CurlAnswer {
  const auth = opts.auth ? ['--user', `${opts.auth.user}:${opts.auth.pass}`] : [];
  return curl([`smtp://127.0.0.1:${port}`, '--mail-from', from, '--mail-rcpt', to, '-T', '-', ...auth], message(from, to, subject, opts.body));
}

/** `path`: `INBOX` lists, `INBOX;UID=1` fetches a message. */
export const imap = (port: number, user: string, pass: string, path = 'INBOX') => curl(['--user', `${user}:${pass}`, `imap://127.0.0.1:${port}/${path}`]);

/** `path`: empty lists the messages (LIST), `1` retrieves the first (RETR 1). */
export const pop3 = (port: number, user: string, pass: string, path = '') => curl(['--user', `${user}:${pass}`, `pop3://127.0.0.1:${port}/${path}`]);
