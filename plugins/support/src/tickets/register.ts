import type { PluginContext } from '@mpanel/sdk';

/** Tickets: routes, jobs (SLA, auto-close) and realtime presence. */
export function registerTickets(_ctx: PluginContext): void {
  // Filled in by the tickets area.
}
