/** Names the manifest declares for the engine (kept apart so the manifest loads no engine code). */

/** Billing's events the engine turns into operations. */
export const BILLING_INTENTS = ['service.activated', 'service.suspended', 'service.unsuspended', 'service.upgraded', 'service.terminated', 'service.cancelled', 'service.cancellationRequested'] as const;

/** Outcomes, for subscribers and outgoing webhooks. */
export const PROVISIONING_EVENTS = ['provisioning.failed', 'provisioning.succeeded'] as const;

/** Who is told when an operation needs a person (toast, workflow notice). */
export const ATTENTION_PERMISSION = 'provisioning.manage';

/** The hosting plugin's settings the engine reads (merged into the manifest's settings schema). */
export const PROVISIONING_SETTINGS = {
  attentionDigestTo: { type: 'string', maxLength: 1000, default: '', description: 'Addresses (comma separated) that get an hourly digest of provisioning operations needing attention' },
} as const;
