import { hostHolder, type UiHost } from '@mpanel/sdk/ui';

/** The support plugin's host, for the knowledge base and announcement pages. */
const holder = hostHolder('support:kb');

export const setKbHost = (host: UiHost): void => holder.set(host);
export const useKbHost = (): UiHost => holder.get();
