import type { UiHost } from '@mpanel/sdk/ui';

/** The host this plugin was set up with: its components call the API through it. */
let current: UiHost | undefined;

export function setHost(host: UiHost): void {
  current = host;
}

export function useHost(): UiHost {
  if (!current) throw new Error('gateway-manual UI used before its setup(host) ran');
  return current;
}
