/**
 * The slots support's ticket pages offer (offered in the tickets area's setup, so they exist only
 * where support is active). Another plugin fills one by name: `host.fill('support.ticket.panels', ...)`.
 */
import { defineSlot } from '@mpanel/sdk/ui';

export interface TicketPanelProps {
  ticketId: string;
  /** Puts text into the staff reply box (it is sent only when staff press Send). */
  useReply: (text: string) => void;
  /** Reloads the ticket (after a panel changed it, e.g. its department or priority). */
  reload: () => void;
}

/** Panels on the staff ticket page, between the thread and the reply box (the AI plugin's drafts and triage). */
export const ticketPanels = defineSlot<TicketPanelProps, 'panels'>('support.ticket.panels', { kind: 'panels' });
