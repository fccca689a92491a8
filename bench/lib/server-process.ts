import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerSpec {
  kind: 'bare' | 'mpanel';
  databaseUrl: string;
  /** Names of the cases whose routes the server mounts. */
  cases: string[];
  logLevel: string;
  poolMax: number;
  /**
   * Write V8 CPU profiles of the server to `<profileDir>/<kind>/` when it exits (open them in
   * Chrome DevTools). The largest file is the main thread; the small one is tsx's loader thread.
   */
  profileDir?: string;
}

export type ServerMessage = { type: 'ready'; url: string } | { type: 'cpu'; micros: number };

export interface ServerProcess {
  url: string;
  /** CPU time (user + system, µs) the server process has used so far. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./server-main.ts', import.meta.url));

function nextMessage<T extends ServerMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`bench server exited (code ${code}) while waiting for "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

// Finer than V8's default 1 ms: a request costs well under a millisecond of CPU.
const PROFILE_INTERVAL_US = Number(process.env.BENCH_PROFILE_INTERVAL) || 100;

/** Starts a bare or an mPanel server in a child process and waits until it listens. */
export async function startServerProcess(spec: ServerSpec): Promise<ServerProcess> {
  const child = fork(MAIN, [], {
    execArgv: ['--import', 'tsx', ...(spec.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${spec.profileDir}/${spec.kind}`, `--cpu-prof-interval=${PROFILE_INTERVAL_US}`] : [])],
    env: { ...process.env, BENCH_SERVER_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const { url } = await nextMessage(child, 'ready');
    return {
      url,
      async cpuMicros() {
        const reply = nextMessage(child, 'cpu');
        child.send({ type: 'cpu' });
        return (await reply).micros;
      },
      async close() {
        if (child.exitCode === null) child.send({ type: 'stop' });
        await exited;
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
