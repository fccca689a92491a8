import type { PluginLogger } from '@mpanel/sdk';
import { MailRefused, receiveMail, type IncomingDeps } from './incoming.ts';

export interface ImapOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  /** The department address the mailbox receives for (its mails carry other To: headers too). */
  address: string;
  everyMs: number;
  logger: PluginLogger;
}

/**
 * Optional polling of one mailbox over IMAP (`imapflow`, an optional dependency loaded only when
 * configured): unseen mails are fed to the same path as SMTP, then flagged seen; a refused mail is
 * flagged seen too (it would be refused again), a failure leaves it for the next poll.
 */
export async function startImapPolling(deps: IncomingDeps, o: ImapOptions): Promise<{ close(): Promise<void> }> {
  const { ImapFlow } = await import('imapflow');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    const client = new ImapFlow({ host: o.host, port: o.port, secure: o.secure, auth: { user: o.user, pass: o.pass }, logger: false });
    try {
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      try {
        const uids = (await client.search({ seen: false }, { uid: true })) || [];
        for (const uid of uids) {
          const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!msg || !msg.source) continue;
          try {
            await receiveMail(deps, msg.source, { from: null, to: [o.address] });
          } catch (err) {
            if (!(err instanceof MailRefused)) throw err;
          }
          await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        }
      } finally {
        lock.release();
      }
      await client.logout();
    } catch (err) {
      o.logger.error({ err }, 'support mail: IMAP poll failed');
      client.close();
    }
    if (!stopped) timer = setTimeout(() => void poll(), o.everyMs);
  };
  void poll();
  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
