/**
 * The slots billing's pages offer, with the props each page passes. They are declared here while
 * billing's screens still live in admin-ui; they move into billing's own UI with its screens
 * (which then `host.offer`s them). The host offers them only while billing is active for the tenant.
 */
import { defineSlot } from '@mpanel/sdk/ui';
import type { Invoice } from './billing-types.ts';

export const billingSlots = {
  /** Panels on the staff invoice page (`addPanel` slot `admin.invoice`). */
  invoicePanels: defineSlot<{ id: string; invoice: Invoice }, 'panels'>('billing.invoice.panels', { kind: 'panels' }),
  /** Panels on the client portal's invoice page (`addPanel` slot `portal.invoice`). */
  portalInvoicePanels: defineSlot<{ id: string; invoice: Invoice }, 'panels'>('billing.portal-invoice.panels', { kind: 'panels' }),
  /** Panels on the staff client page (`addPanel` slot `admin.client`). */
  clientPanels: defineSlot<{ id: string }, 'panels'>('billing.client.panels', { kind: 'panels' }),
  /** Tabs on the staff client page (the support plugin's "Tickets"). */
  clientTabs: defineSlot<{ clientId: string }, 'tabs'>('billing.client.tabs', { kind: 'tabs' }),
  /** Tabs on the staff service page (the hosting plugin's "Hosting"). */
  serviceTabs: defineSlot<{ serviceId: string }, 'tabs'>('billing.service.tabs', { kind: 'tabs' }),
} as const;
