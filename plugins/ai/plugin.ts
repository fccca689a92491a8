import { definePlugin } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { registerAssist } from './src/assist/register.ts';
import { registerAssistant } from './src/assistant/register.ts';
import { registerForecasts } from './src/forecasts/register.ts';

/**
 * AI: one call per area. Ticket assistance (settings, usage and budget, drafts, triage) and the
 * assistant talk to the tenant's OpenAI-compatible endpoint through `src/llm/`; forecasts are
 * plain statistics over the database and need no model.
 */
export default definePlugin({
  manifest,
  register(ctx) {
    registerAssist(ctx);
    registerAssistant(ctx);
    registerForecasts(ctx);
  },
});
