import { platformSlots, type UiHost } from '@mpanel/sdk/ui';
import { setAssistantHost } from './host.ts';

/**
 * The assistant's chat: a button in the shell's header (admin and portal) opening a chat panel.
 * Each area uses its own API prefix and permission; what the assistant can do is the user's own.
 */
export function setupAssistant(host: UiHost): void {
  setAssistantHost(host);
  const permission = host.area === 'admin' ? 'ai.assistant' : 'ai.portal-assistant';
  host.fill(platformSlots.header, { id: 'assistant', permission, component: () => import('./AssistantChat.vue') });
}
