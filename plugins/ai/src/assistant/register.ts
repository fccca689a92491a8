import type { PluginContext } from '@mpanel/sdk';

export function registerAssistant(_ctx: PluginContext): void {}
