/**
 * The platform's simple create screens (CreatePage route props): fields, how their values become
 * the API body, and where to go afterwards. Empty optional fields are left out of the body.
 */
// The kit's file, not its index: the router (and so the login page) imports these screens.
import { filled, type CreateScreen } from '@mpanel/sdk/ui/vue/screens.ts';
import { rememberSecret } from './new-webhook-secret.ts';

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
};
