import { hostHolder } from '@mpanel/sdk/ui';

/** The host this plugin was set up with: its components call the API through it. */
export const host = hostHolder('gateway-manual');
