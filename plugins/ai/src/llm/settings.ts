import type { PluginContext } from '@mpanel/sdk';

/**
 * A tenant's AI settings (plugin settings: `apiKey` is a secret field, sealed by the platform and
 * never returned by any API). Read with `aiSettings(ctx, tenantId)`; edited through
 * `/api/v1/ai/settings`.
 */
export interface AiSettings {
  /** OpenAI-compatible base URL, e.g. https://api.openai.com/v1 or http://vllm.internal:8000/v1. */
  baseUrl: string;
  apiKey: string;
  chatModel: string;
  embeddingModel: string;
  /** Tokens (in + out) a calendar month (UTC) may use across all features; 0 stops every feature. */
  monthlyTokenBudget: number;
  /** Calls one user may make an hour (drafts, assistant turns). */
  userRequestsPerHour: number;
  drafts: boolean;
  triage: boolean;
  assistant: boolean;
}

export const AI_SETTING_DEFAULTS: Omit<AiSettings, 'apiKey'> & { apiKey: string } = {
  baseUrl: '', apiKey: '', chatModel: 'gpt-4o-mini', embeddingModel: 'text-embedding-3-small',
  monthlyTokenBudget: 1_000_000, userRequestsPerHour: 60, drafts: true, triage: true, assistant: true,
};

/** The JSON schema of each field, without defaults (the manifest adds them; the PUT route uses them as they are). */
export const AI_SETTING_FIELDS = {
  baseUrl: { type: 'string', maxLength: 500, pattern: '^(https?://[^\\s]+)?$' },
  apiKey: { type: 'string', maxLength: 500, secret: true },
  chatModel: { type: 'string', minLength: 1, maxLength: 200 },
  embeddingModel: { type: 'string', minLength: 1, maxLength: 200 },
  monthlyTokenBudget: { type: 'integer', minimum: 0, maximum: 100_000_000_000 },
  userRequestsPerHour: { type: 'integer', minimum: 1, maximum: 100_000 },
  drafts: { type: 'boolean' },
  triage: { type: 'boolean' },
  assistant: { type: 'boolean' },
} as const;

export const aiSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(AI_SETTING_FIELDS).map(([key, schema]) => [
    key, key === 'apiKey' ? schema : { ...schema, default: AI_SETTING_DEFAULTS[key as keyof AiSettings] },
  ])),
} as const;

export async function aiSettings(ctx: PluginContext, tenantId: string): Promise<AiSettings> {
  const stored = (await ctx.settings.get(tenantId)) as Partial<AiSettings>;
  const out = { ...AI_SETTING_DEFAULTS };
  for (const key of Object.keys(AI_SETTING_FIELDS) as Array<keyof AiSettings>) {
    if (stored[key] !== undefined && stored[key] !== null) (out as Record<string, unknown>)[key] = stored[key];
  }
  return out;
}
