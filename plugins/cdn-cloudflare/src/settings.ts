/** Per-tenant settings: each hosting company connects its own Cloudflare account. */
export interface CloudflareSettings {
  /** API token with Zone:Edit, DNS:Edit, Zone Settings:Edit and Cache Purge on the account's zones. */
  apiToken: string;
  /** The account new zones are created in. */
  accountId: string;
  /** Cloudflare's API (default); another URL for a test server. */
  apiBaseUrl: string;
  /** How often a rate-limited (429) or failed (5xx, network) call is retried, with backoff, before it fails. */
  maxRetries: number;
  timeoutSeconds: number;
}

export const DEFAULT_API = 'https://api.cloudflare.com/client/v4';

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    apiToken: { type: 'string', minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', secret: true, title: 'API token' },
    accountId: { type: 'string', pattern: '^[0-9a-f]{32}$', title: 'Account ID' },
    apiBaseUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 300, default: DEFAULT_API, title: 'API base URL' },
    maxRetries: { type: 'integer', minimum: 0, maximum: 5, default: 3, title: 'Retries on rate limits and outages' },
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 120, default: 20, title: 'Request timeout (seconds)' },
  },
} as const;
