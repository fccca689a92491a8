/** `@mpanel/sdk/ui`: what a plugin's browser code imports (shared with the host via the import map). */
export * from './api.ts';
export * from './permissions.ts';
export * from './plugin.ts';
export * from './slots.ts';
export { isBrandColor, isBrandFont, type Branding } from '../extension-points/branding.ts';
export { CURRENCY_CODES, currencyExponent, formatMoney, isCurrencyCode, MAX_AMOUNT, parseMoney, toMajorString } from '../money.ts';
