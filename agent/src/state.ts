import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** What enrollment leaves in the state dir: who this agent is and which panel key it trusts. */
export interface AgentState {
  panelUrl: string;
  serverId: string;
  tenantId: string;
  /** Pinned at enrollment: jobs signed by any other key are refused. */
  panelPublicKey: string;
  pollUrl: string;
  publicKey: string;
  enrolledAt: string;
}

export const DEFAULT_STATE_DIR = '/var/lib/mpanel-agent';

export const statePaths = (dir: string) => ({
  state: join(dir, 'state.json'),
  key: join(dir, 'agent.key'),
  journal: join(dir, 'journal.jsonl'),
});

/** Write-then-rename with fsync, so a crash leaves the old file or the new one, never half of one. */
export async function writeFileDurably(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

export async function saveState(dir: string, state: AgentState, privateKeyPem: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = statePaths(dir);
  // Key first: a state file always has its key next to it.
  await writeFileDurably(paths.key, privateKeyPem, 0o600);
  await writeFileDurably(paths.state, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export async function loadState(dir: string): Promise<{ state: AgentState; privateKeyPem: string }> {
  const paths = statePaths(dir);
  let raw: string;
  try {
    raw = await readFile(paths.state, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`not enrolled: ${paths.state} is missing (run mpanel-agent enroll first)`);
    throw err;
  }
  return { state: JSON.parse(raw) as AgentState, privateKeyPem: await readFile(paths.key, 'utf8') };
}
