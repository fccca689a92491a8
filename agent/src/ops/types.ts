import type { ProvisioningErrorCode } from '@mpanel/sdk';

// Stub of the contract (hosting-contract.md §4) until wt-agentops' ops are merged; theirs replaces it.

export interface AgentEnv {
  /** Everything the agent creates lives under these; tests point them at a private lab dir. */
  homeRoot: string;
  acmeRoot: string;
  nginx: { bin: string; prefix: string; confFile: string; sitesDir: string; listen: string; tlsListen?: string; reload(): Promise<void> | null };
  fpm: { bin: string; confFile: string; poolsDir: string; runDir: string; pidFile: string };
  mariadb: { bin: string; args: string[] };
  sftp?: { sshdConfigDir: string };
  userPrefix: string;
  now(): Date;
}
export interface OpStep { name: string; ok: boolean; ms: number; detail?: string }
export interface OpResult { ok: boolean; code?: ProvisioningErrorCode; retryable?: boolean; message?: string; steps: OpStep[]; observed?: unknown }
export interface OpContext { env: AgentEnv; step<T>(name: string, fn: () => Promise<T>): Promise<T>; signal?: AbortSignal }
export type OpName = string;
export interface Op<P = unknown> { name: OpName; run(ctx: OpContext, params: P): Promise<unknown> }
