import type { UiHost } from '@mpanel/sdk/ui';

/**
 * The host billing's UI was set up with: its screens reach realtime events, scripts and the portal
 * hand-over through it (the API and the kit come from `@mpanel/sdk/ui/vue`).
 */
let current: UiHost | undefined;

export function useHost(host: UiHost): void {
  current = host;
}

export function host(): UiHost {
  if (!current) throw new Error('billing UI: a screen opened before setup(host) ran');
  return current;
}
