import { randomUUID } from 'node:crypto';
import { ProvisioningError, type OperationContext, type PluginDb, type ServerCall } from '@mpanel/sdk';
import { buildEnvelope, signEnvelope } from '@mpanel/sdk/agent-protocol';
import { panelKey, type AgentSettings } from './panel-key.ts';
import { agentServer, cancelQueuedJob, insertJob, jobById, type AgentJobRow } from './store.ts';
import { jobKey, serverKey, type Wakeups } from './wake.ts';
import type { PluginSettings } from '@mpanel/sdk';

/** The agent's answer (agent/src/ops/types.ts OpResult). */
export interface OpResult {
  ok: boolean;
  code?: ProvisioningError['code'];
  retryable?: boolean;
  message?: string;
  steps: Array<{ name: string; ok: boolean; ms?: number; detail?: string }>;
  observed?: unknown;
}

/** Runs an op on a server and returns its OpResult; throws ProvisioningError when there is none. */
export type OpTransport = (call: ServerCall, op: string, params: unknown, operation?: OperationContext) => Promise<OpResult>;

/** Without a wake-up from this process, a waiting call looks at its job this often (the result may reach another instance). */
export const RESULT_CHECK_MS = 500;
export const DEFAULT_JOB_TIMEOUT_SECONDS = 60;

const serverName = (call: ServerCall) => call.server.name ?? call.server.hostname;

/**
 * The pull transport: a signed job row the agent picks up on its next poll, then a wait for its
 * answer. The envelope expires when the caller stops waiting, so a job nobody waits for any more
 * is never run later. A job never handed out is withdrawn: UNREACHABLE, safe to retry. A job
 * handed out but not answered may have run: TIMEOUT, ambiguous (the platform observes first).
 */
export function pullTransport(deps: { db: PluginDb; settings: PluginSettings<AgentSettings>; wakeups: Wakeups }): OpTransport {
  return async (call, op, params, operation) => {
    const { tenantId } = call;
    const serverId = call.server.id;
    const timeoutSeconds = (await deps.settings.get(tenantId)).jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS;
    const deadline = Math.min(Date.now() + timeoutSeconds * 1000, operation?.deadline ? operation.deadline.getTime() : Infinity);
    const ttlMs = Math.max(1000, deadline - Date.now());
    const key = await panelKey(deps.settings, tenantId);
    const jobId = randomUUID();
    const job = signEnvelope(buildEnvelope({ jobId, serverId, tenantId, op, params, ttlMs }), key.privateKeyPem);
    await deps.db.transaction(tenantId, async (trx) => {
      const agent = await agentServer(trx, serverId);
      if (!agent?.public_key) {
        throw new ProvisioningError(`Server ${serverName(call)} has no enrolled agent: create an enrollment token and run the command it shows on the server`, 'UNREACHABLE', { retryable: true });
      }
      await insertJob(trx, tenantId, jobId, job);
    });
    deps.wakeups.wake(serverKey(serverId));

    const read = () => deps.db.transaction(tenantId, (trx) => jobById(trx, jobId));
    const finished = (row: AgentJobRow | undefined) => row?.status === 'succeeded' || row?.status === 'failed';
    let row = await read();
    while (!finished(row) && Date.now() < deadline && !operation?.signal?.aborted) {
      await deps.wakeups.wait(jobKey(jobId), Math.min(RESULT_CHECK_MS, deadline - Date.now()), operation?.signal);
      row = await read();
    }
    if (finished(row)) return row!.result as OpResult;

    const withdrawn = await deps.db.transaction(tenantId, (trx) => cancelQueuedJob(trx, jobId));
    if (withdrawn) {
      throw new ProvisioningError(
        `The agent on ${serverName(call)} did not pick up "${op}" within ${timeoutSeconds} s: check that mpanel-agent runs there and reaches the panel`,
        'UNREACHABLE', { retryable: true, detail: { jobId } },
      );
    }
    row = await read();
    if (finished(row)) return row!.result as OpResult; // answered while we gave up
    throw new ProvisioningError(
      `The agent on ${serverName(call)} received "${op}" but did not answer within ${timeoutSeconds} s; it may have been applied`,
      'TIMEOUT', { retryable: true, ambiguous: true, detail: { jobId } },
    );
  };
}
