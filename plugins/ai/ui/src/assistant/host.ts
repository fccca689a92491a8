import { hostHolder, type UiHost } from '@mpanel/sdk/ui';

const holder = hostHolder('ai');

export const setAssistantHost = (host: UiHost): void => holder.set(host);
export const useAssistantHost = (): UiHost => holder.get();
/** The API prefix of this area's chat (`host.api` adds `/api/v1`). */
export const assistantPrefix = (host: UiHost): string => (host.area === 'admin' ? '/ai/assistant' : '/ai/portal-assistant');
