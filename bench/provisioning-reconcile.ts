/** Placeholder until the engine's reconcile lands: see reconcileBench in bench/provisioning.ts. */
export async function reconcileBench(_accounts: number): Promise<{ module: string; ms: number; drifted: number; repaired: number }> {
  throw new Error('reconcile bench: the provisioning engine (wt-provision) is not merged yet');
}
