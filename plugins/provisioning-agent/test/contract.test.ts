import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ProvisioningCall, ProvisioningModule } from '@mpanel/sdk';
import { generateAgentKeyPair } from '@mpanel/sdk/agent-protocol';
import { provisioningContract } from '@mpanel/sdk/testing';
import { AgentDaemon, Journal, statePaths } from '@mpanel/agent';
import { FakeOps } from './support/fake-ops.ts';
import { agentModule, callFor, createTenantWithAdmin, enrollServer, insertServer, startAgentPanel, type TestServer } from './support/server.ts';

process.env.MPANEL_AGENT_POLL_MS = '1000';

/**
 * The SDK's ProvisioningModule contract against the mpanel-agent module: a running panel, an
 * enrolled daemon with a fake op registry (the real ops have their own suite on the lab), every
 * call going through signed jobs, the long poll and the result route.
 */
describe('provisioning-agent: the ProvisioningModule contract through a running panel and daemon', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let tenantId: string;
  let okServer: string;
  let refusingServer: string;
  let module: ProvisioningModule;
  const ops = new FakeOps();
  const dirs: string[] = [];
  const daemons: Array<{ daemon: AgentDaemon; journal: Journal }> = [];
  /** Set by timeoutAfterApply: the next create gets a deadline shorter than the agent's answer. */
  let shortDeadline = false;

  const startDaemon = async (serverId: string, admin: Parameters<typeof enrollServer>[1], pinWrongKey: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'mpa-contract-'));
    dirs.push(dir);
    const { state, privateKeyPem } = await enrollServer(server, admin, serverId, dir, ops.run);
    const journal = await new Journal(statePaths(dir).journal).open();
    // An agent that pinned another panel key (a re-installed panel, a man in the middle) refuses every job.
    const pinned = pinWrongKey ? { ...state, panelPublicKey: generateAgentKeyPair().publicKey } : state;
    const daemon = new AgentDaemon({ state: pinned, privateKeyPem, journal, runOp: ops.run, stopGraceMs: 5000 });
    void daemon.start();
    daemons.push({ daemon, journal });
  };

  before(async () => {
    ({ server, close } = await startAgentPanel());
    const admin = await createTenantWithAdmin(server);
    tenantId = admin.tenant.id;
    okServer = await insertServer(server, tenantId);
    refusingServer = await insertServer(server, tenantId);
    await startDaemon(okServer, admin, false);
    await startDaemon(refusingServer, admin, true);
    const real = agentModule(server);
    module = {
      ...real,
      create: (call: ProvisioningCall) => {
        if (!shortDeadline) return real.create(call);
        shortDeadline = false;
        return real.create({ ...call, operation: { ...call.operation, deadline: new Date(Date.now() + 1500) } });
      },
    };
  });
  after(async () => {
    for (const { daemon, journal } of daemons) {
      await daemon.stop();
      await journal.close();
    }
    await close?.();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  provisioningContract({
    name: 'mpanel-agent (pull transport, fake ops)',
    timeoutMs: 90_000,
    makeModule: () => module,
    makeCall: (variant) => {
      const username = `mpt${randomUUID().slice(0, 6)}`;
      const call = callFor(tenantId, variant === 'wrongCredentials' ? refusingServer : okServer, username);
      if (variant === 'wrongPackage') call.plan = { ...call.plan!, phpVersions: ['7.4'] };
      return call;
    },
    remote: {
      truth: async (call) => {
        const status = ops.accounts.get(call.account.username!);
        return status ? { exists: true, status } : { exists: false };
      },
      count: async (call) => (ops.accounts.has(call.account.username!) ? 1 : 0),
      timeoutAfterApply: () => {
        ops.hangNext = 3000;
        shortDeadline = true;
      },
    },
  });
});
