import type { PluginContext } from '@mpanel/sdk';

export function registerForecasts(_ctx: PluginContext): void {}
