import { generateAgentKeyPair, publicKeyOf } from '@mpanel/sdk/agent-protocol';
import type { PluginSettings } from '@mpanel/sdk';

export interface AgentSettings {
  /** The tenant's job-signing key (PKCS#8 PEM), sealed as a secret setting; made on first use. */
  jobSigningKey?: string;
  /** How long a lifecycle call waits for the agent's answer (seconds). */
  jobTimeoutSeconds?: number;
}

export interface PanelKey {
  privateKeyPem: string;
  publicKey: string;
}

/**
 * The tenant's panel key, sealed in the plugin's secret settings. Made once: a second writer
 * racing the first re-reads what was stored, so every agent pins the same key.
 */
export async function panelKey(settings: PluginSettings<AgentSettings>, tenantId: string): Promise<PanelKey> {
  let pem = (await settings.get(tenantId)).jobSigningKey;
  if (!pem) {
    await settings.set({ jobSigningKey: generateAgentKeyPair().privateKeyPem }, tenantId);
    pem = (await settings.get(tenantId)).jobSigningKey!;
  }
  return { privateKeyPem: pem, publicKey: publicKeyOf(pem) };
}
