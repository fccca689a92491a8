import type { UiHost } from '@mpanel/sdk/ui';

/** The tickets area's menus and pages (admin queue, portal tickets). */
export function setupTicketsUi(_host: UiHost): void {
  // Filled in by the tickets area.
}
