import OpenAI from 'openai';
import type { PluginContext } from '@mpanel/sdk';

/*
 * STAND-IN written by ai-assistant so the assistant can be built and tested before ai-assist's
 * real file (tenant settings, sealed key, budget, rate limit, usage table) lands: same exports,
 * configured from the environment (MPANEL_AI_BASE_URL, MPANEL_AI_API_KEY, MPANEL_AI_CHAT_MODEL).
 * At merge, ai-assist's version of this file wins.
 */

export type AiFeature = 'drafts' | 'triage' | 'assistant' | 'eval';
export interface AiCall { tenantId: string; userId: string | null; feature: AiFeature }

/** Why the AI cannot answer now; `status` is the HTTP status a route answers with (403 off, 429 budget/rate, 503 down/not configured). */
export class AiUnavailable extends Error {
  constructor(
    public readonly code: 'not_configured' | 'disabled' | 'budget_exhausted' | 'rate_limited' | 'endpoint_down',
    message: string,
    public readonly status: number,
  ) { super(message); }
}

export interface AiSession {
  openai: OpenAI;
  chatModel: string;
  embeddingModel: string;
  record(usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | undefined): Promise<void>;
}

export async function aiSession(_ctx: PluginContext, _call: AiCall): Promise<AiSession> {
  const baseURL = process.env.MPANEL_AI_BASE_URL;
  if (!baseURL) throw new AiUnavailable('not_configured', 'The AI endpoint is not configured', 503);
  return {
    openai: new OpenAI({ baseURL, apiKey: process.env.MPANEL_AI_API_KEY ?? 'none', maxRetries: 0, timeout: 60_000 }),
    chatModel: process.env.MPANEL_AI_CHAT_MODEL ?? 'gpt-4o-mini',
    embeddingModel: 'text-embedding-3-small',
    record: async () => undefined,
  };
}

export function aiFailure(err: unknown): never {
  if (err instanceof OpenAI.APIConnectionError) throw new AiUnavailable('endpoint_down', 'The AI endpoint cannot be reached', 503);
  if (err instanceof OpenAI.RateLimitError) throw new AiUnavailable('rate_limited', 'The AI endpoint is rate limiting', 429);
  if (err instanceof OpenAI.APIError && typeof err.status === 'number' && err.status >= 500) throw new AiUnavailable('endpoint_down', 'The AI endpoint failed', 503);
  throw err;
}
