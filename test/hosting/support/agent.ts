import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, ServerProcess, run } from '../../../core/test/support/cli-process.ts';

const AGENT_BIN = join(REPO_ROOT, 'agent', 'bin', 'mpanel-agent.js');

/**
 * `mpanel-agent` as a child process, as on a hosting server: `enroll` once with the one-time token,
 * then `run` (long-polls the panel). Its state dir holds its key, the pinned panel key, its journal
 * and `env.json`: the lab's layout (private nginx, php-fpm, homes) laid over the production one.
 */
export class AgentProcess {
  process: ServerProcess | null = null;

  constructor(readonly stateDir: string, private readonly labEnv: object) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.writeEnv({});
  }

  /** env.json: the lab's AgentEnv (functions dropped by JSON) with `overrides` merged one level deep. */
  writeEnv(overrides: Record<string, unknown>): void {
    const env = JSON.parse(JSON.stringify(this.labEnv)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(overrides)) {
      env[key] = value && typeof value === 'object' && !Array.isArray(value) ? { ...(env[key] as object), ...value } : value;
    }
    writeFileSync(join(this.stateDir, 'env.json'), JSON.stringify(env, null, 2));
  }

  async enroll(panelUrl: string, token: string): Promise<string> {
    const r = await enrollIn(this.stateDir, panelUrl, token);
    assert.equal(r.code, 0, `mpanel-agent enroll failed: ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  async start(): Promise<void> {
    assert.equal(this.process, null, 'the agent is already running');
    this.process = new ServerProcess(process.execPath, [AGENT_BIN, 'run', '--state-dir', this.stateDir], process.env);
    await this.process.waitFor(/mpanel-agent running/);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.process;
    this.process = null;
    await p?.stop(signal);
  }

  /** SIGSTOP/SIGCONT: the agent keeps its connections but answers late (a slow or frozen server). */
  pause(): void { process.kill(this.process!.child.pid!, 'SIGSTOP'); }
  resume(): void { process.kill(this.process!.child.pid!, 'SIGCONT'); }

  output(): string {
    return this.process ? `${this.process.stdout.slice(-3000)}\n${this.process.stderr.slice(-3000)}` : '';
  }
}

/** `mpanel-agent enroll` into `stateDir`; answers its exit code and output. */
export function enrollIn(stateDir: string, panelUrl: string, token: string): ReturnType<typeof run> {
  return run(process.execPath, [AGENT_BIN, 'enroll', '--panel', panelUrl, '--token', token, '--state-dir', stateDir], process.env);
}
