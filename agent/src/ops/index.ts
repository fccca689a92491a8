import type { AgentEnv, Op, OpContext, OpName, OpResult, OpStep } from './types.ts';
import { OpError } from './types.ts';
import { withLock } from './lock.ts';
import { accountOps } from './account.ts';
import { siteOps } from './site.ts';
import { dbOps } from './db.ts';
import { sftpOps } from './sftp.ts';
import { cronOps } from './cron.ts';
import { certOps } from './cert.ts';
import { observeOps } from './observe.ts';
import { usageOps } from './usage.ts';
import { factOps } from './facts.ts';
import { mailOps } from './mail.ts';
import { mailTlsOps } from './mail-tls.ts';

export type { AgentEnv, Op, OpContext, OpName, OpResult, OpStep } from './types.ts';
export { OpError } from './types.ts';

/** The allow-list: these ops and nothing else (there is no generic shell op). */
export const ops = Object.fromEntries(
  [...accountOps, ...siteOps, ...dbOps, ...sftpOps, ...cronOps, ...certOps, ...observeOps, ...usageOps, ...factOps, ...mailOps, ...mailTlsOps].map((op) => [op.name, op as Op]),
) as Record<OpName, Op>;

function fail(error: unknown, steps: OpStep[]): OpResult {
  if (error instanceof OpError) return { ok: false, code: error.code, retryable: error.retryable, message: error.message, steps };
  const e = error as NodeJS.ErrnoException;
  // A lost race or a full disk is worth retrying; anything else unknown is a bug to look at.
  const retryable = ['EBUSY', 'EAGAIN', 'ENOSPC', 'ETIMEDOUT'].includes(e?.code ?? '');
  return { ok: false, code: 'REMOTE_ERROR', retryable, message: `Unexpected error: ${e?.message ?? String(error)}`, steps };
}

/**
 * Runs one op and reports it; never throws. Ops on the same account run one at a time (a
 * re-delivered job and a reconcile cannot interleave their steps); different accounts run in parallel.
 */
export async function runOp(env: AgentEnv, name: string, params: unknown, signal?: AbortSignal): Promise<OpResult> {
  const steps: OpStep[] = [];
  const op = Object.hasOwn(ops, name) ? ops[name as OpName] : undefined;
  if (!op) return { ok: false, code: 'UNSUPPORTED', retryable: false, message: `Unknown op ${JSON.stringify(name).slice(0, 80)}`, steps };
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return { ok: false, code: 'INVALID_INPUT', retryable: false, message: 'params must be an object', steps };
  const ctx: OpContext = {
    env,
    signal,
    async step(stepName, fn) {
      if (signal?.aborted) throw new OpError('TIMEOUT', `Aborted before step "${stepName}"`, { retryable: true });
      const started = performance.now();
      try {
        const value = await fn();
        steps.push({ name: stepName, ok: true, ms: Math.round(performance.now() - started) });
        return value;
      } catch (error) {
        steps.push({ name: stepName, ok: false, ms: Math.round(performance.now() - started), detail: error instanceof Error ? error.message.slice(0, 2000) : String(error) });
        throw error;
      }
    },
  };
  const username = (params as { username?: unknown }).username;
  const lockKey = typeof username === 'string' ? `account:${username}` : `op:${name}:${Math.random()}`;
  try {
    const observed = await withLock(lockKey, () => op.run(ctx, params));
    return { ok: true, steps, observed };
  } catch (error) {
    return fail(error, steps);
  }
}
