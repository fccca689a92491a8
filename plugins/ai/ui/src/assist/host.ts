import { hostHolder } from '@mpanel/sdk/ui';

/** The host the AI plugin's UI was set up with (API calls with the user's token, toasts). */
export const aiHost = hostHolder('ai');
