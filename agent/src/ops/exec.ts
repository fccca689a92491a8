import { execFile } from 'node:child_process';
import { OpError } from './types.ts';

export interface ExecResult { stdout: string; stderr: string; code: number }

/**
 * Runs a program with an argument array (never a shell string, so no input can become a command).
 * Resolves with the exit code instead of rejecting, so callers map failures to their own codes;
 * rejects only when the program cannot be started or times out.
 */
export function run(bin: string, args: string[], opts: { input?: string; timeoutMs?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, {
      timeout: opts.timeoutMs ?? 30_000,
      maxBuffer: 16 * 1024 * 1024,
      signal: opts.signal,
      env: opts.env ?? { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        if (error.killed || error.signal) return reject(new OpError('TIMEOUT', `${bin} did not finish: ${error.message}`, { retryable: true }));
        if (error.code === 'ENOENT') return reject(new OpError('UNSUPPORTED', `${bin} is not installed on this server`));
        return reject(new OpError('REMOTE_ERROR', `${bin} could not run: ${error.message}`));
      }
      resolve({ stdout: String(stdout), stderr: String(stderr), code: error ? Number(error.code) : 0 });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like run() but a non-zero exit is a REMOTE_ERROR carrying the program's own message. */
export async function runOk(bin: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<ExecResult> {
  const result = await run(bin, args, opts);
  if (result.code !== 0) throw new OpError('REMOTE_ERROR', `${bin} ${args[0] ?? ''} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
  return result;
}
