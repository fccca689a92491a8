/**
 * Stripe's test payment methods and what they do when charged. The names follow Stripe's own test
 * tokens so a test reads like the Stripe docs: `pm_card_visa` succeeds, `pm_card_chargeDeclined`
 * declines, `pm_card_authenticationRequired` needs 3-D Secure (on session: `requires_action`;
 * off session: a 402 `authentication_required`).
 */
export type CardOutcome = 'succeeds' | 'declines' | 'insufficient_funds' | 'requires_action';

export interface TestCard {
  brand: string;
  last4: string;
  outcome: CardOutcome;
}

export const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { brand: 'visa', last4: '4242', outcome: 'succeeds' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', outcome: 'succeeds' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', outcome: 'declines' },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', outcome: 'insufficient_funds' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', outcome: 'requires_action' },
};

export interface CardFailure {
  code: string;
  declineCode?: string;
  message: string;
}

/** The card error Stripe answers with for an outcome that fails (undefined when it does not). */
export function cardFailure(outcome: CardOutcome, offSession: boolean): CardFailure | undefined {
  switch (outcome) {
    case 'declines':
      return { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' };
    case 'insufficient_funds':
      return { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    case 'requires_action':
      return offSession
        ? { code: 'authentication_required', declineCode: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' }
        : undefined;
    default:
      return undefined;
  }
}
