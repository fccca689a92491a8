import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { AgentEnv } from './ops/types.ts';
import { listMailboxes, sendCountersFile } from './ops/mail.ts';
import { atomicWrite, ensureDir } from './ops/files.ts';
import { stateDir } from './ops/state.ts';

/**
 * Per-mailbox sending limit for submission (HOSTING.md §2): a Postfix SMTP access policy delegation
 * server (`smtpd_end_of_data_restrictions = check_policy_service inet:127.0.0.1:<port>` on the
 * submission service). Each message accepted for a SASL login counts once in the current clock
 * hour; past the mailbox's `sendLimitPerHour` the message is refused with a temporary 450 so the
 * client retries later. Counters are written to `<stateDir>/mail/send-counters.json`, where
 * `mail.observe` reads them. Logins without a limit (or unknown) pass: Postfix decides as before.
 */
export interface MailPolicy { port: number; close(): Promise<void>; counters(): Record<string, { hour: string; count: number }> }

export async function startMailPolicy(env: AgentEnv, opts: { host?: string; port: number }): Promise<MailPolicy> {
  const counters: Record<string, { hour: string; count: number }> = {};
  let writing = Promise.resolve();
  const file = sendCountersFile(env);

  // Read per message (the records are small files): a changed limit applies to the next message.
  const limitFor = async (login: string): Promise<number | null> => {
    const m = (await listMailboxes(env)).find((x) => `${x.localPart}@${x.domain}` === login);
    return m ? (m.state === 'active' ? m.sendLimitPerHour : 0) : null;
  };
  const persist = () => {
    const snapshot = JSON.stringify(counters);
    writing = writing.then(async () => {
      await ensureDir(join(stateDir(env), 'mail'), 0o700);
      await atomicWrite(file, snapshot, 0o600);
    }).catch(() => undefined);
  };

  const decide = async (attrs: Map<string, string>): Promise<string> => {
    const login = (attrs.get('sasl_username') ?? '').toLowerCase();
    if (!login || attrs.get('request') !== 'smtpd_access_policy') return 'DUNNO';
    const limit = await limitFor(login);
    if (limit === null) return 'DUNNO';
    const hour = new Date().toISOString().slice(0, 13);
    const entry = counters[login]?.hour === hour ? counters[login] : { hour, count: 0 };
    counters[login] = entry;
    if (entry.count >= limit) return `450 4.7.1 Sending limit reached: ${limit} messages per hour for ${login}`;
    // Counted once per message: at END-OF-MESSAGE when configured there, else at RCPT.
    entry.count += 1;
    persist();
    return 'DUNNO';
  };

  const sockets = new Set<Socket>();
  const serve = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let chain = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 64 * 1024) return socket.destroy();
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const attrs = new Map(block.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]));
        chain = chain.then(async () => {
          const action = await decide(attrs).catch(() => 'DUNNO');
          if (!socket.destroyed) socket.write(`action=${action}\n\n`);
        });
      }
    });
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: opts.port,
    counters: () => structuredClone(counters),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy(); // smtpd keeps its policy connection open between messages
      await closed;
      await writing;
    },
  };
}
