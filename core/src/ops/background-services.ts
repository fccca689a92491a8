import type { Logger } from '../logger.ts';

/** One background loop (event dispatcher, webhook worker, job workers and cron, workflows, ...). */
export interface BackgroundService {
  name: string;
  start(): void | Promise<void>;
}

/**
 * The work a worker does, in one list: modules `add` their loops here instead of starting them,
 * and the roles module starts the list only on instances whose role runs background work
 * (`worker`, `all`). A web instance registers the same services (it still enqueues jobs and writes
 * the outbox) and never starts them. Stopping stays with the module that owns the loop: its stop
 * is safe on a loop that never started.
 */
export class BackgroundServices {
  private readonly services: BackgroundService[] = [];
  private started = false;

  constructor(private readonly logger: Logger) {}

  add(service: BackgroundService): void {
    if (this.started) throw new Error(`background service "${service.name}" was added after the background services started`);
    this.services.push(service);
  }

  names(): string[] {
    return this.services.map((s) => s.name);
  }

  isRunning(): boolean {
    return this.started;
  }

  async startAll(): Promise<void> {
    this.started = true;
    for (const service of this.services) {
      await service.start();
      this.logger.debug({ service: service.name }, 'background service started');
    }
  }
}
