/**
 * The admin's simple create screens (CreatePage route props): fields, how their values become the
 * API body, and where to go afterwards. Empty optional fields are left out of the body.
 */
import type { FieldSpec } from '@mpanel/sdk/ui/vue';
import { toMinor } from '@mpanel/sdk/ui/vue/format.ts';
import { CYCLES } from '../shared/billing-types.ts';
import { rememberSecret } from './new-webhook-secret.ts';

type Values = Record<string, string | boolean>;
const options = (...values: string[]) => values.map((value) => ({ value, label: value }));

/** The values without empty strings, trimmed. */
function filled(values: Values): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(values)) if (v !== '') out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}

export interface CreateScreen {
  title: string;
  endpoint: string;
  fields: FieldSpec[];
  toBody: (values: Values) => Record<string, unknown>;
  next: (created: Record<string, unknown>) => string;
  back: string;
  permission: string;
}

/** "a.b, c.d" → ["a.b", "c.d"] (a webhook's events). */
export const eventList = (text: string | boolean) => String(text).split(/[\s,]+/).filter(Boolean);

export const CREATE_SCREENS: Record<string, CreateScreen> = {
  tenants: {
    title: 'tenants.new',
    endpoint: '/tenants',
    permission: 'tenants.create',
    back: '/tenants',
    next: (t) => `/tenants/${String(t.id)}`,
    fields: [
      { name: 'name', label: 'tenants.name' },
      { name: 'slug', label: 'tenants.slug', hint: 'tenants.slugHint' },
      {
        name: 'parentTenantId',
        label: 'tenants.parent',
        hint: 'tenants.parentHint',
        type: 'select',
        source: { endpoint: '/tenants', query: { isReseller: true }, label: 'name', none: 'tenants.noParent' },
      },
      { name: 'isReseller', label: 'tenants.reseller', type: 'checkbox' },
      { name: 'adminEmail', label: 'tenants.adminEmail', type: 'email', errorKeys: ['admin.email', 'admin'] },
      { name: 'adminPassword', label: 'tenants.adminPassword', type: 'password', autocomplete: 'new-password', errorKeys: ['admin.password'] },
    ],
    toBody: (v) => {
      const { adminEmail, adminPassword, isReseller, ...rest } = filled(v);
      return { ...rest, ...(isReseller ? { isReseller: true } : {}), admin: { email: adminEmail ?? '', password: adminPassword ?? '' } };
    },
  },
  webhooks: {
    title: 'webhooks.new',
    endpoint: '/webhooks',
    permission: 'webhooks.manage',
    back: '/webhooks',
    next: (w) => {
      rememberSecret(String(w.id), String(w.secret));
      return `/webhooks/${String(w.id)}`;
    },
    fields: [
      { name: 'url', label: 'webhooks.url', hint: 'https://…' },
      { name: 'events', label: 'webhooks.events', hint: 'webhooks.eventsHint', errorKeys: ['events.0'] },
      { name: 'description', label: 'webhooks.description' },
    ],
    toBody: (v) => ({ ...filled(v), events: eventList(v.events ?? '') }),
  },
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
      { name: 'type', label: 'billing.type', type: 'select', options: options('percent', 'fixed') },
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
      { name: 'level', label: 'billing.level', type: 'select', options: options('1', '2') },
      { name: 'compound', label: 'billing.compound', type: 'checkbox' },
    ],
    toBody: (v) => {
      const body: Record<string, unknown> = filled(v);
      if (typeof body.country === 'string') body.country = body.country.toUpperCase();
      body.level = Number(v.level);
      return body;
    },
  },
};

export { CYCLES };
