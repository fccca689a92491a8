import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProcessRole } from '../config/config.ts';

/** Paths a worker still answers over HTTP: probes and metrics, nothing a user calls. */
export const WORKER_HTTP_PATHS: ReadonlySet<string> = new Set(['/api/health', '/api/health/ready', '/metrics']);

/** web and all serve the API, the admin UI and realtime connections. */
export function servesHttp(role: ProcessRole): boolean {
  return role !== 'worker';
}

/** worker and all run the background services. */
export function runsBackground(role: ProcessRole): boolean {
  return role !== 'web';
}

/** A worker's request handler: the probes and metrics reach the app, anything else is a 404. */
export function probesOnly(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (WORKER_HTTP_PATHS.has((req.url ?? '').split('?')[0]!)) return handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found: this instance is a worker (MPANEL_ROLE=worker); the API is served by web instances' }));
  };
}
