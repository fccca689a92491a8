import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { notifyNeedsAttention } from './attention.ts';
import { ADVANCE_JOB, WorkflowRuntime } from './runtime.ts';
import { SealedState } from './sealed-state.ts';
import { WORKFLOW_PERMISSIONS, workflowRoutes } from './routes.ts';

/**
 * Durable workflows, part one: the runtime exists before plugins register (they define workflows
 * in register), with its permissions and routes. The advance job (which hands the run to the
 * runtime's own pool) is defined once the job queue exists (start, before the queue starts).
 */
export const workflowsModule: CoreModule = {
  name: 'workflows',
  register(container) {
    const { knex, appKnex, logger, config } = container.cradle;
    const runtime = new WorkflowRuntime(
      {
        knex, appKnex, logger,
        state: new SealedState(new SecretBox(config.encryptionKeys, 'mpanel:workflow-state')),
        jobQueue: () => container.cradle.jobQueue,
        needsAttention: (run, def) => notifyNeedsAttention(container, run, def),
        prepareTenant: async (tenantId) => void (await container.cradle.pluginTenantStates.disabledFor(tenantId)),
      },
      { leaseMs: config.workflows.leaseMs, heartbeatMs: Math.max(10, Math.floor(config.workflows.leaseMs / 3)), sweepMs: config.workflows.sweepMs, concurrency: config.workflows.concurrency },
    );
    container.register({ workflows: asValue(runtime) } as never);
    for (const p of WORKFLOW_PERMISSIONS) container.cradle.permissionRegistry.register('core', p);
  },
  async start(container) {
    const { jobQueue, workflows } = container.cradle;
    jobQueue.define(ADVANCE_JOB.owner, ADVANCE_JOB.name, (async (job: { data: { runId: string } }) => workflows.dispatch(job.data.runId)) as never, { attempts: 3, backoffMs: 1000 });
  },
  routes: (container) => workflowRoutes(container),
};

/**
 * Part two, listed after the plugin system: the sweeper is a background service (it starts after
 * the job queue, on the roles that run background work), and on shutdown the runs in flight are
 * given back before the job queue waits for its jobs.
 */
export const workflowWorkersModule: CoreModule = {
  name: 'workflow-workers',
  async start(container) {
    const { backgroundServices, workflows } = container.cradle;
    backgroundServices.add({ name: 'workflows', start: () => workflows.sweeper.start() });
  },
  async stop(container) {
    await container.cradle.workflows.stop();
  },
};

declare module '../container.ts' {
  interface CoreCradle {
    workflows: WorkflowRuntime;
  }
}
