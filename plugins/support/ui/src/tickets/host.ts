import { hostHolder } from '@mpanel/sdk/ui';

/** The host support's UI was set up with (realtime listeners, toasts). */
export const supportHost = hostHolder('support');
