import type { AgentEnv, Op, OpName, OpResult } from './types.ts';

export type * from './types.ts';

// Stub of the contract (hosting-contract.md §4) until wt-agentops' ops are merged; theirs replaces it.
export const ops: Record<OpName, Op> = {};

/** Never throws; an unknown op is UNSUPPORTED. */
export async function runOp(_env: AgentEnv, name: string, _params: unknown, _signal?: AbortSignal): Promise<OpResult> {
  return { ok: false, code: 'UNSUPPORTED', retryable: false, message: `op "${name}" is not implemented in this build`, steps: [] };
}
