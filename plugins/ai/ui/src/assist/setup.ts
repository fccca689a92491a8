import { platformSlots, type UiHost } from '@mpanel/sdk/ui';
import { aiHost } from './host.ts';

/** Support's slot on its staff ticket page (filled by name: the AI plugin imports nothing of support's UI). */
const SUPPORT_TICKET_PANELS = 'support.ticket.panels';

/** Ticket assistance: "Draft with AI" and triage suggestions on the ticket page; AI settings and usage. */
export function setupAssistUi(host: UiHost): void {
  aiHost.set(host);
  if (host.area !== 'admin') return;
  host.fill(SUPPORT_TICKET_PANELS, { id: 'ai-ticket-assist', permission: 'ai.use', order: 10, component: () => import('./TicketAssistPanel.vue') });
  host.fill(platformSlots.settingsPages, { id: 'ai-settings', title: 'AI', permission: 'ai.manage', component: () => import('./AiSettingsPage.vue') });
}
