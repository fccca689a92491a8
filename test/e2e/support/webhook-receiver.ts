import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A local HTTP endpoint for outgoing webhooks: answers 200 and keeps every POST it gets. */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once `count` deliveries arrived (the test's own timeout bounds the wait). */
  async waitFor(count: number): Promise<ReceivedHook[]> {
    while (this.received.length < count) await new Promise((r) => setTimeout(r, 100));
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
