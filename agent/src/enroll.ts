import { generateAgentKeyPair, isAgentPublicKey } from '@mpanel/sdk/agent-protocol';
import { enroll as postEnroll } from './panel-client.ts';
import { saveState, type AgentState } from './state.ts';
import type { OpRunner } from './daemon.ts';

export interface EnrollOptions {
  panelUrl: string;
  token: string;
  stateDir: string;
  runOp: OpRunner;
}

/**
 * Makes this server's key pair, sends the public key and the server's facts with the one-time
 * token, and pins the panel key the answer names. The private key never leaves the state dir.
 */
export async function enrollAgent(options: EnrollOptions): Promise<AgentState> {
  const keys = generateAgentKeyPair();
  const facts = await options.runOp('server.facts', {});
  const answer = await postEnroll(options.panelUrl, {
    token: options.token,
    publicKey: keys.publicKey,
    facts: facts.ok && facts.observed && typeof facts.observed === 'object' ? (facts.observed as Record<string, unknown>) : { error: facts.message ?? 'facts unavailable' },
  });
  if (!answer || !isAgentPublicKey(answer.panelPublicKey) || !answer.serverId || !answer.tenantId) throw new Error('the panel answered enrollment without a server id, tenant or valid panel key');
  const state: AgentState = {
    panelUrl: options.panelUrl,
    serverId: answer.serverId,
    tenantId: answer.tenantId,
    panelPublicKey: answer.panelPublicKey,
    pollUrl: answer.pollUrl,
    publicKey: keys.publicKey,
    enrolledAt: new Date().toISOString(),
  };
  await saveState(options.stateDir, state, keys.privateKeyPem);
  return state;
}
