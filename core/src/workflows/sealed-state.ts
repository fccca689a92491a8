import type { SecretBox } from '../crypto/secret-box.ts';

/**
 * A run's input and its steps' outputs are what the run needs to resume, and they may hold what a
 * provider returned (an account's password): they are stored sealed, bound to the tenant and run.
 */
export class SealedState {
  constructor(private readonly box: SecretBox) {}

  seal(value: unknown, tenantId: string, runId: string): string {
    return this.box.seal(JSON.stringify(value ?? null), { tenantId, field: `workflow:${runId}` });
  }

  open(sealed: string | null, tenantId: string, runId: string): unknown {
    return sealed === null ? undefined : JSON.parse(this.box.open(sealed, { tenantId, field: `workflow:${runId}` }));
  }
}
