import type { Knex } from 'knex';
import type { PluginLogger, StepContext } from '@mpanel/sdk';
import { applyTenantContext } from '../tenancy/context.ts';
import { runInExecution, systemExecution } from '../plugins/execution-scope.ts';

export class StepTimeoutError extends Error {
  constructor(ms: number) {
    super(`the step did not finish within ${ms} ms`);
    this.name = 'StepTimeoutError';
  }
}

export interface StepCall {
  fn: (step: StepContext) => unknown;
  context: Omit<StepContext, 'signal' | 'transaction' | 'logger'>;
  timeoutMs: number;
  /** Aborted from outside: the lease is lost, the run cancelled, the worker stopping. */
  interrupt: AbortSignal;
  appKnex: Knex;
  logger: PluginLogger;
}

/**
 * One try of a step, outside any transaction, as the system principal of the run's tenant. It
 * ends at the timeout or an interrupt even when the step ignores its signal (whatever it still
 * does then is why steps are idempotent).
 */
export async function executeStep(call: StepCall): Promise<unknown> {
  const { tenantId } = call.context;
  const controller = new AbortController();
  const afterCommit: Array<() => void | Promise<void>> = [];
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const abort = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    timer = setTimeout(() => abort(new StepTimeoutError(call.timeoutMs)), call.timeoutMs);
    if (call.interrupt.aborted) abort(call.interrupt.reason);
    call.interrupt.addEventListener('abort', () => abort(call.interrupt.reason), { once: true });
  });
  const ctx: StepContext = {
    ...call.context,
    signal: controller.signal,
    logger: call.logger,
    transaction: async (fn) => {
      const own: Array<() => void | Promise<void>> = [];
      const result = await call.appKnex.transaction(async (trx: Knex.Transaction) => {
        await applyTenantContext(trx, tenantId);
        return runInExecution(systemExecution(tenantId, trx, own), () => fn(trx));
      });
      for (const cb of own) await cb();
      return result;
    },
  };
  try {
    const running = runInExecution(systemExecution(tenantId, null, afterCommit), async () => call.fn(ctx));
    running.catch(() => undefined); // after a timeout nobody waits for it
    const result = await Promise.race([running, stopped]);
    for (const cb of afterCommit.splice(0)) await cb();
    return result;
  } finally {
    clearTimeout(timer);
  }
}
