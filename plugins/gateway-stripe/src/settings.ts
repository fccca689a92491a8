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

/**
 * Where browsers load Stripe.js: Stripe's own (PCI requires it in production). `MPANEL_STRIPE_JS_URL`
 * points it elsewhere for the browser tests' stand-in; read per request, like `STRIPE_API_URL`.
 */
export function stripeJsUrl(): string {
  return process.env.MPANEL_STRIPE_JS_URL || 'https://js.stripe.com/v3/';
}
