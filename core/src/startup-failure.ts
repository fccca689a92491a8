import type { Config } from './config/config.ts';

/** Why the server could not start, in one line for the operator (like ConfigError). */
export class StartupError extends Error {
  constructor(message: string) {
    super(`Cannot start: ${message}`);
    this.name = 'StartupError';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** The database server named by DATABASE_URL, without its credentials. */
function databaseServer(url: string): { where: string; name: string } {
  const parsed = new URL(url);
  return { where: `${parsed.hostname}:${parsed.port || '5432'}`, name: decodeURIComponent(parsed.pathname.slice(1)) || parsed.username };
}

/** A known cause of a failed start as a StartupError, or undefined (then it is a bug: keep the stack). */
export function explainStartupFailure(err: unknown, config: Config): StartupError | undefined {
  if (err instanceof StartupError) return err;
  const e = err as { code?: string; syscall?: string; message?: string; errors?: Array<{ code?: string }> };
  const code = e.code ?? e.errors?.[0]?.code;
  if (e.syscall === 'listen' && code === 'EADDRINUSE') return new StartupError(`port ${config.port} on ${config.host} is already in use (set PORT to a free port)`);
  if (e.syscall === 'listen' && code === 'EACCES') return new StartupError(`no permission to listen on port ${config.port} (use a port above 1023)`);
  if (e.syscall === 'listen' && code === 'EADDRNOTAVAIL') return new StartupError(`HOST ${config.host} is not an address of this machine`);
  if (!config.databaseUrl) return undefined;
  const { where, name } = databaseServer(config.databaseUrl);
  if (code === '3D000') return new StartupError(`database "${name}" does not exist on the PostgreSQL server at ${where} (create it, or fix DATABASE_URL)`);
  if (code === '28P01' || code === '28000') return new StartupError(`the PostgreSQL server at ${where} refused the login of DATABASE_URL (${e.message ?? code})`);
  if (code && UNREACHABLE.has(code)) return new StartupError(`the PostgreSQL server at ${where} is unreachable (${code}; check DATABASE_URL and that the server runs)`);
  return undefined;
}
