import type { PluginContext } from '@mpanel/sdk';

export function registerAssist(_ctx: PluginContext): void {}
