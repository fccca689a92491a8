/**
 * The AI plugin's screens: one import and one call per area (ticket assistance; the assistant and
 * forecasts add theirs the same way, one line each). Everything goes through the host, so a tenant
 * with the plugin disabled has none of it.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setupAssistUi } from './assist/setup.ts';

export default defineUiPlugin({
  id: 'ai',
  setup(host) {
    setupAssistUi(host);
  },
});
