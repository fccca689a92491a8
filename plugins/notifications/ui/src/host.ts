import { hostHolder, type UiHost } from '@mpanel/sdk/ui';

/** The host this plugin was set up with: its components call the API through it. */
const holder = hostHolder('notifications');

export const setHost = (host: UiHost): void => holder.set(host);
export const useHost = (): UiHost => holder.get();
