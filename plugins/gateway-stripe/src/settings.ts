/** Per-tenant settings: each hosting company connects its own Stripe account. */
export interface StripeSettings {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** Days between off-session retries after a failed automatic charge: [1, 3, 7] = 3 retries. */
  retryScheduleDays: number[];
}

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    secretKey: { type: 'string', pattern: '^(sk|rk)_(test|live)_', secret: true, title: 'Secret key' },
    publishableKey: { type: 'string', pattern: '^pk_(test|live)_', title: 'Publishable key' },
    webhookSecret: { type: 'string', pattern: '^whsec_', secret: true, title: 'Webhook signing secret' },
    retryScheduleDays: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 60 }, maxItems: 10, default: [1, 3, 7] },
  },
} as const;
