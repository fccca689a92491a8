/**
 * The slots billing's pages offer, with the props each page passes. Billing offers them in its
 * setup (`host.offer`), so they exist only where billing is active for the tenant. Another plugin
 * fills one by name without importing billing (`host.fill('billing.client.tabs', ...)`) or imports
 * the refs for their types (`import type`).
 */
import { defineSlot } from '@mpanel/sdk/ui';
import type { Invoice } from './types.ts';

/** Panels on the staff invoice page (formerly `addPanel` slot `admin.invoice`). */
export const invoicePanels = defineSlot<{ id: string; invoice: Invoice }, 'panels'>('billing.invoice.panels', { kind: 'panels' });
/** Panels on the client portal's invoice page, the gateways' (formerly `portal.invoice`). */
export const portalInvoicePanels = defineSlot<{ id: string; invoice: Invoice }, 'panels'>('billing.portal-invoice.panels', { kind: 'panels' });
/** Panels on the staff client page (formerly `admin.client`). */
export const clientPanels = defineSlot<{ id: string }, 'panels'>('billing.client.panels', { kind: 'panels' });
/** Tabs on the staff client page (the support plugin's "Tickets"). */
export const clientTabs = defineSlot<{ clientId: string }, 'tabs'>('billing.client.tabs', { kind: 'tabs' });
/** Tabs on the staff service page (the hosting plugin's "Hosting"). */
export const serviceTabs = defineSlot<{ serviceId: string }, 'tabs'>('billing.service.tabs', { kind: 'tabs' });

/** Every slot billing offers (its setup offers them all). */
export const BILLING_SLOTS = [invoicePanels, portalInvoicePanels, clientPanels, clientTabs, serviceTabs];
