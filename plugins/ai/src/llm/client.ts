import OpenAI from 'openai';
import { HttpError, PrivateTargetError, type PluginContext } from '@mpanel/sdk';
import { aiSettings } from './settings.ts';
import { inTenant } from './tenant-trx.ts';
import { recordUsage, tokensThisMonth, userCallsLastHour, type TokenUsage } from './usage.ts';

/**
 * The one way plugin code reaches a language model: `aiSession` checks the tenant's settings, the
 * feature switch, the monthly token budget and the user's hourly limit BEFORE any request leaves,
 * and hands out an `openai` client on the tenant's endpoint with retries off (a down endpoint gets
 * one request per user action, not a storm). `aiFailure` turns the SDK's errors into answers.
 */

export type AiFeature = 'drafts' | 'triage' | 'assistant' | 'eval';
export interface AiCall { tenantId: string; userId: string | null; feature: AiFeature }

type Code = 'not_configured' | 'disabled' | 'budget_exhausted' | 'rate_limited' | 'endpoint_down';

/**
 * Why the AI cannot answer now; `status` is the HTTP status a route answers with (403 off, 429
 * budget/rate, 503 down/not configured). An HttpError, so a route that lets it through answers
 * `{ error: message, details: { code } }` with that status.
 */
export class AiUnavailable extends HttpError {
  constructor(public readonly code: Code, message: string, status: number) {
    super(status, message, { code });
    this.name = 'AiUnavailable';
  }
}

export interface AiSession {
  openai: OpenAI;
  chatModel: string;
  embeddingModel: string;
  /** Records tokens in/out for the tenant, user and feature (the usage table); call after every completion/embedding. */
  record(usage: TokenUsage | undefined): Promise<void>;
}

/** One model call may take this long; the SDK's default (10 minutes) would hold a request open. */
export const AI_TIMEOUT_MS = 60_000;

/** Checks the tenant's settings (configured, feature on), the monthly token budget and the per-user rate limit; throws AiUnavailable. */
export async function aiSession(ctx: PluginContext, call: AiCall): Promise<AiSession> {
  const s = await aiSettings(ctx, call.tenantId);
  if (!s.baseUrl || !s.apiKey) throw new AiUnavailable('not_configured', 'AI is not set up for this account: an administrator enters the endpoint and API key under AI settings', 503);
  if (call.feature !== 'eval' && !s[call.feature]) throw new AiUnavailable('disabled', `The AI feature "${call.feature}" is turned off in AI settings`, 403);
  const [used, calls] = await inTenant(ctx, call.tenantId, async (trx) => [
    await tokensThisMonth(trx, call.tenantId),
    call.userId ? await userCallsLastHour(trx, call.tenantId, call.userId) : 0,
  ]);
  if (used >= s.monthlyTokenBudget) {
    throw new AiUnavailable('budget_exhausted', `The monthly AI token budget (${s.monthlyTokenBudget} tokens) is used up; AI features are paused until next month or until an administrator raises the budget`, 429);
  }
  if (call.userId && calls >= s.userRequestsPerHour) throw new AiUnavailable('rate_limited', `You reached the limit of ${s.userRequestsPerHour} AI requests an hour; try again later`, 429);
  await checkEndpointAddress(ctx, s.baseUrl);
  return {
    openai: new OpenAI({ baseURL: s.baseUrl, apiKey: s.apiKey, maxRetries: 0, timeout: AI_TIMEOUT_MS }),
    chatModel: s.chatModel,
    embeddingModel: s.embeddingModel,
    record: (usage) => inTenant(ctx, call.tenantId, (trx) => recordUsage(trx, call.tenantId, call.userId, call.feature, usage)),
  };
}

/** A tenant admin must not point the server at the internal network (unless the operator allows private targets). */
async function checkEndpointAddress(ctx: PluginContext, baseUrl: string): Promise<void> {
  try {
    await ctx.net.resolvePublic(new URL(baseUrl).hostname.replace(/^\[|\]$/g, ''));
  } catch (err) {
    if (err instanceof PrivateTargetError) throw new AiUnavailable('not_configured', `The AI endpoint's address is not allowed: ${err.message}`, 503);
    throw err;
  }
}

/** Maps an openai SDK error (APIConnectionError, RateLimitError, 5xx) to AiUnavailable('endpoint_down'|'rate_limited'); rethrows others. */
export function aiFailure(err: unknown): never {
  if (err instanceof AiUnavailable) throw err;
  if (err instanceof OpenAI.RateLimitError) throw new AiUnavailable('rate_limited', 'The AI endpoint is rate limiting this account; try again in a minute', 429);
  if (err instanceof OpenAI.APIConnectionError) {
    throw new AiUnavailable('endpoint_down', `The AI endpoint cannot be reached (${err instanceof OpenAI.APIConnectionTimeoutError ? 'timed out' : 'connection failed'}); try again later`, 503);
  }
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    throw new AiUnavailable('not_configured', 'The AI endpoint refused the API key: an administrator checks AI settings', 503);
  }
  if (err instanceof OpenAI.APIError && (err.status ?? 0) >= 500) throw new AiUnavailable('endpoint_down', `The AI endpoint answered with an error (${err.status}); try again later`, 503);
  throw err;
}
