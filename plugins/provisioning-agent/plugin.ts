import { fileURLToPath } from 'node:url';
import { definePlugin, extensionPoints } from '@mpanel/sdk';
import { agentRoutes } from './src/agent-routes.ts';
import { staffRoutes, OFFLINE_AFTER_MS } from './src/staff-routes.ts';
import { pullTransport } from './src/job-channel.ts';
import { createAgentModule } from './src/module.ts';
import { sshTargetOf, sshTransport } from './src/ssh-transport.ts';
import { markSilentServersOffline } from './src/store.ts';
import { Wakeups } from './src/wake.ts';
import type { AgentSettings } from './src/panel-key.ts';

const MARK_OFFLINE = 'provisioning-agent.mark-offline';
/** Per platform instance (one context per loaded plugin): aborts held polls at shutdown. */
const shutdowns = new WeakMap<object, AbortController>();

/**
 * mpanel-agent (HOSTING.md §6.3): servers enroll with a one-time token, pull signed expiring jobs
 * over a long poll and post results; the `mpanel-agent` ProvisioningModule turns lifecycle calls
 * into those jobs. Agentless servers (SSH credentials set) run the same ops over SSH.
 */
export default definePlugin<AgentSettings>({
  directory: fileURLToPath(new URL('.', import.meta.url)),
  manifest: {
    id: 'provisioning-agent',
    name: 'mpanel-agent',
    version: '0.1.0',
    description: 'Provisioning through mpanel-agent: enrollment, signed jobs pulled by the agent, results',
    category: 'provisioning',
    license: 'MIT',
    engines: { mpanel: '>=0.1.0' },
    dependencies: { hosting: '>=0.1.0' },
    resources: ['agent', 'agent-servers', 'agent-jobs'],
    entry: { server: 'plugin.ts', migrations: 'migrations' },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        jobSigningKey: { type: 'string', maxLength: 4000, secret: true, description: 'Made on first use; agents pin its public key at enrollment' },
        jobTimeoutSeconds: { type: 'integer', minimum: 2, maximum: 3600, default: 60, description: 'How long a provisioning call waits for the agent' },
      },
    },
  },

  register(ctx) {
    const wakeups = new Wakeups();
    const shutdown = new AbortController();
    shutdowns.set(ctx, shutdown);
    for (const route of agentRoutes(ctx, { wakeups, shutdown: shutdown.signal, pollWindowMs: () => Number(process.env.MPANEL_AGENT_POLL_MS ?? 25_000) })) ctx.routes.add(route);
    for (const route of staffRoutes(ctx)) ctx.routes.add(route);

    const pull = pullTransport({ db: ctx.db, settings: ctx.settings, wakeups });
    const ssh = sshTransport({ timeoutMs: 120_000 });
    ctx.extensions.provide(extensionPoints.provisioning, 'mpanel-agent', createAgentModule({ transportFor: (call) => (sshTargetOf(call) ? ssh : pull) }));

    ctx.jobs.define(MARK_OFFLINE, async () => {
      await ctx.forEachTenant((tenant) => tenant.transaction((trx) => markSilentServersOffline(trx, OFFLINE_AFTER_MS / 1000)).then(() => undefined));
    });
    ctx.jobs.schedule(MARK_OFFLINE, '* * * * *');
  },

  shutdown(ctx) {
    shutdowns.get(ctx)?.abort();
  },
});
