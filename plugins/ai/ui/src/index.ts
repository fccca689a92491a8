/**
 * The AI plugin's screens: each area adds its own from its folder (one import and one call per
 * area), so a tenant without a feature's permission sees none of it.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setupForecasts } from './forecasts/index.ts';

export default defineUiPlugin({
  id: 'ai',
  setup(host) {
    setupForecasts(host);
  },
});
