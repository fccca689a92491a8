/**
 * What a Stripe event type means for mPanel. The event's payload is only a hint: every action
 * fetches the current object from the API before acting, because Stripe does not deliver events in
 * order and may deliver them more than once.
 */
export type StripeEventAction =
  /** Fetch the PaymentIntent; record a payment if it succeeded. */
  | 'sync-payment-intent'
  /** Fetch the Charge and its refunds; record the refunds not yet recorded. */
  | 'sync-refunds'
  /** Fetch the dispute; flag the invoice of its PaymentIntent. */
  | 'flag-dispute'
  /** Fetch the SetupIntent; save its payment method for the client. */
  | 'save-payment-method'
  | 'ignore';

const ACTIONS: Record<string, StripeEventAction> = {
  'payment_intent.succeeded': 'sync-payment-intent',
  'payment_intent.payment_failed': 'sync-payment-intent',
  'payment_intent.requires_action': 'sync-payment-intent',
  'payment_intent.canceled': 'sync-payment-intent',
  'charge.refunded': 'sync-refunds',
  'charge.refund.updated': 'sync-refunds',
  'charge.dispute.created': 'flag-dispute',
  'setup_intent.succeeded': 'save-payment-method',
};

export function actionFor(eventType: string): StripeEventAction {
  return ACTIONS[eventType] ?? 'ignore';
}

/** The event types the webhook endpoint in Stripe's dashboard should be subscribed to. */
export const HANDLED_EVENT_TYPES = Object.keys(ACTIONS);
