import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { PluginLogger } from '@mpanel/sdk';
import { MailRefused, mailboxFor, receiveMail, type IncomingDeps } from './incoming.ts';

export interface ReceiverOptions {
  port: number;
  host: string;
  /** Largest mail accepted, in bytes (SMTP SIZE). */
  maxBytes: number;
  logger: PluginLogger;
}

const refuse = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP receiver the tenant's MX (or a forward) points at: recipients that are no department
 * address are refused at RCPT, so nothing is accepted that cannot become a ticket; each message is
 * parsed and turned into a ticket or reply before the 250, so a failure makes the sending relay retry.
 */
export async function startReceiver(deps: IncomingDeps, o: ReceiverOptions): Promise<{ port: number; close(): Promise<void> }> {
  const options: SMTPServerOptions = {
    name: 'mpanel-support',
    banner: 'mPanel support desk',
    size: o.maxBytes,
    authOptional: true,
    // Plain SMTP on a private port; TLS belongs to the MX in front of it.
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    async onRcptTo(address, _session, callback) {
      try {
        const box = await mailboxFor(deps.directory, [address.address]);
        callback(box ? undefined : refuse(550, 'No such mailbox here'));
      } catch (err) {
        o.logger.error({ err }, 'support mail: recipient lookup failed');
        callback(refuse(451, 'Temporary failure, try again later'));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(refuse(552, 'Message too large'));
        const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
        receiveMail(deps, Buffer.concat(chunks), envelope).then((outcome) => {
          o.logger.info({ outcome: outcome.kind, tenantId: outcome.tenantId }, 'support mail received');
          callback();
        }, (err: unknown) => {
          if (err instanceof MailRefused) return callback(refuse(err.responseCode, err.message));
          o.logger.error({ err }, 'support mail: processing failed');
          callback(refuse(451, 'Temporary failure, try again later'));
        });
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  server.on('error', (err) => o.logger.error({ err }, 'support mail receiver error'));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
