/**
 * The AI plugin's browser side. Each area adds its screens with one line (ticket assistance,
 * the assistant, forecasts), so the three can be built side by side.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setupAssistant } from './assistant/setup.ts';

export default defineUiPlugin({
  id: 'ai',
  setup(host) {
    setupAssistant(host);
  },
});
