import { HttpError } from '@mpanel/sdk';
import type Stripe from 'stripe';
import { stripeWebhooks } from './client.ts';

/** Stripe's own default, and the contract's: a signed payload older than 5 minutes is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks `Stripe-Signature` over the exact bytes received and returns the event. A missing or bad
 * signature, a wrong secret or an expired timestamp is a 400 (Stripe shows it in its dashboard
 * and retries), and nothing has been read from or written to the database yet.
 */
export async function verifyStripeEvent(
  rawBody: Buffer | undefined,
  signature: string | string[] | undefined,
  secret: string | undefined,
  tolerance = SIGNATURE_TOLERANCE_SECONDS,
): Promise<Stripe.Event> {
  const header = Array.isArray(signature) ? signature[0] : signature;
  if (!rawBody || rawBody.length === 0) throw new HttpError(400, 'Empty webhook body');
  if (!header) throw new HttpError(400, 'Missing Stripe-Signature header');
  if (!secret) throw new HttpError(400, 'Stripe webhooks are not configured for this tenant');
  try {
    return await stripeWebhooks.constructEventAsync(rawBody, header, secret, tolerance);
  } catch {
    // The SDK's message says which check failed; the sender learns nothing useful from it.
    throw new HttpError(400, 'Invalid Stripe signature');
  }
}
