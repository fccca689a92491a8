/**
 * Billing's simple create screens (CreatePage props): fields, how their values become the API
 * body, and where to go afterwards. Empty optional fields are left out of the body.
 */
import { choices, filled, toMinor, type CreateScreen } from '@mpanel/sdk/ui/vue';


export const CREATE_SCREENS: Record<string, CreateScreen> = {
  clients: {
    title: 'billing.newClient',
    endpoint: '/clients',
    permission: 'clients.write',
    back: '/clients',
    next: (c) => `/clients/${String(c.id)}`,
    fields: [
      { name: 'email', label: 'billing.email', type: 'email' },
      { name: 'firstName', label: 'billing.firstName' },
      { name: 'lastName', label: 'billing.lastName' },
      { name: 'companyName', label: 'billing.company' },
      { name: 'country', label: 'billing.country', hint: 'ISO code: US, DE, GB, …' },
      { name: 'currency', label: 'billing.currency', value: 'USD' },
      { name: 'taxId', label: 'billing.taxId' },
      { name: 'password', label: 'billing.portalPassword', type: 'password', autocomplete: 'new-password', hint: 'billing.portalPasswordHint' },
    ],
    toBody: (v) => {
      const body = filled(v);
      if (typeof body.country === 'string') body.country = body.country.toUpperCase();
      if (typeof body.currency === 'string') body.currency = body.currency.toUpperCase();
      return body;
    },
  },
  coupons: {
    title: 'billing.newCoupon',
    endpoint: '/coupons',
    permission: 'coupons.write',
    back: '/coupons',
    next: () => '/coupons',
    fields: [
      { name: 'code', label: 'billing.code' },
      { name: 'type', label: 'billing.type', type: 'select', options: choices('percent', 'fixed') },
      { name: 'value', label: 'billing.value', type: 'number', hint: 'billing.couponValueHint' },
      { name: 'currency', label: 'billing.currency', hint: 'billing.couponCurrencyHint' },
      { name: 'recurring', label: 'billing.recurring', type: 'checkbox' },
      { name: 'maxUses', label: 'billing.maxUses', type: 'number' },
      { name: 'expiresAt', label: 'billing.expires', type: 'date' },
    ],
    toBody: (v) => {
      const body: Record<string, unknown> = filled(v);
      const currency = typeof body.currency === 'string' ? body.currency.toUpperCase() : undefined;
      if (currency) body.currency = currency;
      // Percent coupons are whole percent points; fixed ones an amount in the coupon's currency.
      body.value = v.type === 'fixed' ? toMinor(String(v.value), currency ?? 'USD') : Number(v.value);
      if (body.maxUses !== undefined) body.maxUses = Number(body.maxUses);
      return body;
    },
  },
  'tax-rules': {
    title: 'billing.newTaxRule',
    endpoint: '/tax-rules',
    permission: 'tax-rules.write',
    back: '/tax-rules',
    next: () => '/tax-rules',
    fields: [
      { name: 'name', label: 'billing.name' },
      { name: 'country', label: 'billing.country', hint: 'billing.taxCountryHint' },
      { name: 'state', label: 'billing.state' },
      { name: 'rate', label: 'billing.rate', type: 'number', hint: '20, 8.875, …' },
      { name: 'level', label: 'billing.level', type: 'select', options: choices('1', '2') },
      { name: 'compound', label: 'billing.compound', type: 'checkbox' },
    ],
    toBody: (v) => {
      const body: Record<string, unknown> = filled(v);
      if (typeof body.country === 'string') body.country = body.country.toUpperCase();
      body.level = Number(v.level);
      return body;
    },
  },};
