import { hostHolder } from '@mpanel/sdk/ui';

/**
 * The host billing's UI was set up with: its screens reach realtime events, scripts and the portal
 * hand-over through it (the API and the kit come from `@mpanel/sdk/ui/vue`).
 */
export const billingHost = hostHolder('billing');
export const host = () => billingHost.get();
