/**
 * Slots hosting's pages offer to other plugins (filled by name, e.g. `host.fill('hosting.website.panels', …)`).
 * Fillers may import the refs for their types (`import type`).
 */
import { defineSlot } from '@mpanel/sdk/ui';

/** Panels on one website: the portal's website settings and each website on the staff account page (the cdn plugin's "CDN"). */
export const websitePanels = defineSlot<{ accountId: string; websiteId: string; domain: string }, 'panels'>('hosting.website.panels', { kind: 'panels' });

export const HOSTING_SLOTS = [websitePanels];
