/**
 * The slots billing offers on its screens, for other plugins to fill with
 * `host.addPanel({ slot: clientTabs.name, ... })`; their components receive the props named here.
 * Import the types only (`import type`): the tokens' names are the contract.
 */
import { defineSlot } from '@mpanel/sdk/ui/vue';
import type { Client, Invoice, Service } from './types.ts';

/** Tabs on the staff client page (the support plugin's "Tickets"). */
export const clientTabs = defineSlot<{ id: string; client: Client }>('billing.client.tabs');
/** Panels below the staff client page. */
export const clientPanels = defineSlot<{ id: string; client: Client }>('billing.client.panels');
/** Tabs on the staff service page (the hosting plugin's "Hosting"). */
export const serviceTabs = defineSlot<{ id: string; service: Service }>('billing.service.tabs');
/** Panels below the staff invoice page (formerly `admin.invoice`). */
export const invoicePanels = defineSlot<{ id: string; invoice: Invoice }>('billing.invoice.panels');
/** Panels below the client's invoice in the portal: the gateways' (formerly `portal.invoice`). */
export const portalInvoicePanels = defineSlot<{ id: string; invoice: Invoice }>('billing.portal-invoice.panels');

export type { Client, Invoice, Service } from './types.ts';
