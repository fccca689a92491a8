import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAgentKeyPair } from '@mpanel/sdk/agent-protocol';
import { startHostingLab } from '../../support/hosting-lab.ts';
import { AgentProcess } from './agent.ts';
import { staffSetup, type HostingSetup } from './fixtures.ts';
import { Panel, eventually } from './panel.ts';

export type Lab = Awaited<ReturnType<typeof startHostingLab>>;

export interface Hosting {
  lab: Lab;
  panel: Panel;
  agent: AgentProcess;
  setup: HostingSetup;
  /** The tenant's job-signing key, set by the suite before enrollment, so tests can sign (or forge) jobs. */
  panelKey: { privateKeyPem: string; publicKey: string };
  /** The one-time enrollment token the agent used (spent). */
  enrollToken: string;
  tenantId: string;
  stop(): Promise<void>;
}

/**
 * Everything the suite and the benchmark need, started for real: the lab (private nginx with a
 * default_server answering 444, private php-fpm with a sentinel pool, the machine's MariaDB), an
 * mPanel (web + worker processes on PostgreSQL and Redis), staff's server group, server, plans,
 * products and a client, and `mpanel-agent` enrolled with a one-time token and running.
 */
export async function startHosting(opts: { portBase: number; webPort: number; tag: string; jobTimeoutSeconds?: number; tlsPort?: number; panelEnv?: Record<string, string>; beforeAgent?: (lab: Lab) => Promise<void> }): Promise<Hosting> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mpa-'));
  const lab = await startHostingLab({ portBase: opts.portBase, ...(opts.tlsPort ? { tlsPort: opts.tlsPort } : {}) });
  const panel = new Panel({ webPort: opts.webPort, ...(opts.panelEnv ? { extraEnv: opts.panelEnv } : {}) });
  let agent: AgentProcess | undefined;
  const stop = async () => {
    await agent?.stop('SIGKILL');
    await panel.stop();
    await lab.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await panel.start();
    const panelKey = generateAgentKeyPair();
    await panel.ok('PUT', '/api/v1/plugins/provisioning-agent/settings', { jobSigningKey: panelKey.privateKeyPem, jobTimeoutSeconds: opts.jobTimeoutSeconds ?? 60 });
    const { enrollToken, ...setup } = await staffSetup(panel, opts.tag);
    // Services the agent's env must name (a mail lab adds `env.mail`) start before it writes env.json.
    await opts.beforeAgent?.(lab);
    agent = new AgentProcess(stateDir, lab.env);
    await agent.enroll(panel.url, enrollToken);
    await agent.start();
    await eventually('the server online', async () => (await panel.ok<{ status: string }>('GET', `/api/v1/servers/${setup.serverId}`)).status === 'online', 30_000);
    const me = await panel.ok<{ tenant: { id: string } }>('GET', '/api/v1/auth/me');
    return { lab, panel, agent, setup, panelKey, enrollToken, tenantId: me.tenant.id, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
