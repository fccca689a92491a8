import type { StripePlugin } from './context.ts';
import type { StripeSettings } from './settings.ts';

/**
 * A tenant's decrypted Stripe settings, kept for a few seconds: every webhook needs the signing
 * secret before anything else, and reading it costs a round trip and a decryption per event. A
 * change made here is seen at once (the settings hook clears the cache); one made through another
 * instance within TTL_MS (Stripe retries a webhook refused in between).
 */
const TTL_MS = 5_000;
const MAX_TENANTS = 10_000;

export class SettingsCache {
  private readonly entries = new Map<string, { at: number; value: Promise<Partial<StripeSettings>> }>();

  constructor(private readonly plugin: StripePlugin, private readonly now: () => number = Date.now) {}

  get(tenantId: string): Promise<Partial<StripeSettings>> {
    const hit = this.entries.get(tenantId);
    if (hit && this.now() - hit.at < TTL_MS) return hit.value;
    const value = this.plugin.settings.get(tenantId);
    if (this.entries.size >= MAX_TENANTS) this.entries.clear();
    this.entries.set(tenantId, { at: this.now(), value });
    // A failed read is not cached.
    value.catch(() => this.entries.delete(tenantId));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
