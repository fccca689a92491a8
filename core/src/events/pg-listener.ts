import pg from 'pg';
import type { Logger } from '../logger.ts';

/**
 * LISTENs on PostgreSQL channels with one dedicated connection, so work committed by another
 * instance wakes this one at once. Reconnects after a lost connection. PGlite (single process)
 * needs none of this: in-process nudges cover it.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly handlers = new Map<string, Array<() => void>>();

  constructor(private readonly url: string, private readonly logger: Logger) {}

  on(channel: string, handler: () => void): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  async start(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      for (const h of this.handlers.get(msg.channel) ?? []) h();
    });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'event listener connection lost');
      client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    this.client = client;
    // Whatever was notified while disconnected is picked up by a wake-up now.
    for (const list of this.handlers.values()) for (const h of list) h();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
