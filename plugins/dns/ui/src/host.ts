import { hostHolder, type UiHost } from '@mpanel/sdk/ui';

/** The dns plugin's host (its `can` decides which record types a new row offers). */
const holder = hostHolder('dns');

export const setDnsHost = (host: UiHost): void => holder.set(host);
export const useDnsHost = (): UiHost => holder.get();
