import { hostHolder } from '@mpanel/sdk/ui';

/** The host hosting's UI was set up with: toasts and realtime events go through it. */
export const hostingHost = hostHolder('hosting');
export const host = () => hostingHost.get();
