/**
 * The AI plugin's screens: one import and one call per area (ticket assistance, the assistant,
 * forecasts). Everything goes through the host, so a tenant with the plugin disabled has none of it.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setupAssistUi } from './assist/setup.ts';
import { setupAssistant } from './assistant/setup.ts';
import { setupForecasts } from './forecasts/index.ts';

export default defineUiPlugin({
  id: 'ai',
  setup(host) {
    setupAssistUi(host);
    setupAssistant(host);
    setupForecasts(host);
  },
});
