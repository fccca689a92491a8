import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `npm start` and `bin/mpanel.js` live. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO_ROOT, 'bin', 'mpanel.js');

/** A temporary DATA_DIR, removed by the returned function. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-data-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a child mPanel: the parent's PATH and the like, but none of the parent's
 * mPanel settings (a developer's DATABASE_URL must not leak into an embedded-mode test). Empty
 * values also keep a `.env` in the working directory from filling them in.
 */
export function cliEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(PORT|HOST|DATABASE_URL|REDIS_URL|DATA_DIR|JWT_SECRET|LOG_LEVEL|NODE_ENV|CORS_ORIGINS|PUBLIC_URL|MPANEL_.*|TEST_.*|npm_.*)$/.test(key)) {
      delete env[key];
    }
  }
  return { ...env, DATABASE_URL: '', REDIS_URL: '', PUBLIC_URL: '', LOG_LEVEL: 'warn', ...overrides };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * A long-running child (a server) whose output is kept and can be waited for. With `group`, it
 * leads its own process group and signals go to the whole group, as a terminal's Ctrl-C does:
 * `npm start` runs the server under `sh -c`, and a signal to npm alone would orphan the server.
 */
export class ServerProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Resolves once the child has exited and every process sharing its output has closed it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv, private readonly options: { group?: boolean } = {}) {
    this.child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group ?? false });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
    });
  }

  /** Resolves with the first match of `pattern` on stdout; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (!match) return false;
        this.child.stdout!.off('data', check);
        resolve(match);
        return true;
      };
      if (check()) return;
      this.child.stdout!.on('data', check);
      void this.exited.then(({ code, signal }) => {
        if (!check()) reject(new Error(`exited (code ${code}, signal ${signal}) before printing ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
      });
    });
  }

  /** Sends a signal (to the group, if any) and waits until everything has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.done && this.child.pid !== undefined) {
      try {
        process.kill(this.options.group ? -this.child.pid : this.child.pid, signal);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    return this.exited;
  }
}

/** The URL printed by `mpanel start`: "mPanel <version> is running at http://localhost:<port>". */
export const RUNNING_AT = /is running at (http:\/\/\S+)/;

/** The same server on 127.0.0.1 (`localhost` may resolve to ::1 first; the server listens on IPv4). */
export function loopback(printedUrl: string): string {
  const url = new URL(printedUrl);
  url.hostname = '127.0.0.1';
  return url.origin;
}

/** A GET over a new connection every time (no keep-alive pool that could reuse a closed socket). */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
