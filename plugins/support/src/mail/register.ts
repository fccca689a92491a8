import type { PluginContext } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { MailDirectory } from './directory.ts';
import { SenderLimits } from './sender-limit.ts';
import { startReceiver } from './receiver.ts';
import { startImapPolling } from './imap.ts';
import type { IncomingDeps } from './incoming.ts';

const running = new WeakMap<object, Array<{ close(): Promise<void> }>>();
const ports = new WeakMap<object, number>();

/**
 * Incoming mail, started at boot as background services from the environment (off by default):
 * SUPPORT_SMTP_PORT (and SUPPORT_SMTP_HOST, default 127.0.0.1; SUPPORT_SMTP_MAX_BYTES, default 25 MB)
 * for the SMTP receiver; SUPPORT_IMAP_HOST with _PORT, _SECURE, _USER, _PASS, _ADDRESS and
 * _POLL_SECONDS for polling a mailbox.
 */
export async function startMail(plugin: PluginContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const ctx = plugin as SupportContext;
  const deps: IncomingDeps = { ctx, directory: new MailDirectory(ctx), limits: new SenderLimits() };
  const services: Array<{ close(): Promise<void> }> = [];
  if (env.SUPPORT_SMTP_PORT) {
    const receiver = await startReceiver(deps, {
      port: Number(env.SUPPORT_SMTP_PORT), host: env.SUPPORT_SMTP_HOST || '127.0.0.1',
      maxBytes: Number(env.SUPPORT_SMTP_MAX_BYTES || 25 * 1024 * 1024), logger: ctx.logger,
    });
    ports.set(plugin, receiver.port);
    services.push(receiver);
    ctx.logger.info({ port: receiver.port }, 'support mail receiver listening');
  }
  if (env.SUPPORT_IMAP_HOST && env.SUPPORT_IMAP_USER && env.SUPPORT_IMAP_ADDRESS) {
    services.push(await startImapPolling(deps, {
      host: env.SUPPORT_IMAP_HOST, port: Number(env.SUPPORT_IMAP_PORT || 993), secure: env.SUPPORT_IMAP_SECURE !== 'false',
      user: env.SUPPORT_IMAP_USER, pass: env.SUPPORT_IMAP_PASS ?? '', address: env.SUPPORT_IMAP_ADDRESS,
      everyMs: Number(env.SUPPORT_IMAP_POLL_SECONDS || 60) * 1000, logger: ctx.logger,
    }));
  }
  running.set(plugin, services);
}

export async function stopMail(plugin: PluginContext): Promise<void> {
  for (const s of running.get(plugin) ?? []) await s.close();
  running.delete(plugin);
}

/** The receiver's port (a test that asked for port 0 learns the one it got). */
export const receiverPort = (plugin: PluginContext): number | undefined => ports.get(plugin);
