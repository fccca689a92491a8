/** A saved card as `GET /api/v1/gateway-stripe/cards` lists it. */
export interface SavedCard {
  id: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  isDefault: boolean;
}

export const expiry = (card: SavedCard): string => (card.expMonth && card.expYear ? `${String(card.expMonth).padStart(2, '0')}/${card.expYear}` : '');
const brandName = (brand: string | null): string => (brand ? brand[0]!.toUpperCase() + brand.slice(1) : 'Card');
export const cardName = (card: Pick<SavedCard, 'brand' | 'last4'>): string => `${brandName(card.brand)} •••• ${card.last4 ?? '????'}`;
