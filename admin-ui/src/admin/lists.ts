/**
 * The platform's admin screens that are one list: endpoint, columns, filters, where a row leads
 * and the "new" link. Labels are i18n keys. (Plugins describe theirs the same way.)
 */
// Files, not the kit's index: the router (and so the login page) imports these lists.
import { choices, rowLinkTo, type ListScreen } from '@mpanel/sdk/ui/vue/screens.ts';
import { dateTime } from '@mpanel/sdk/ui/vue/format.ts';

const short = (v: unknown) => String(v ?? '').slice(0, 8);
/** The start of a `YYYY-MM-DD` day (UTC) plus `days`, as the API's date-time; a malformed day is sent as typed (the API answers 400). */
const dayStart = (day: string, days = 0) => {
  const at = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(at) ? day : new Date(at + days * 86_400_000).toISOString();
};

export const LIST_SCREENS: Record<string, ListScreen> = {
  tenants: {
    title: 'tenants.title',
    endpoint: '/tenants',
    searchable: true,
    rowLink: rowLinkTo('tenants'),
    create: { to: '/tenants/new', label: 'tenants.new', permission: 'tenants.create' },
    columns: [
      { key: 'name', label: 'tenants.name', sortable: true },
      { key: 'slug', label: 'tenants.slug' },
      { key: 'status', label: 'tenants.status' },
      { key: 'isReseller', label: 'tenants.reseller', format: (v) => (v ? '✓' : '') },
      { key: 'parentTenantId', label: 'tenants.parent', format: short },
    ],
  },
  webhooks: {
    title: 'webhooks.title',
    endpoint: '/webhooks',
    rowLink: rowLinkTo('webhooks'),
    create: { to: '/webhooks/new', label: 'webhooks.new', permission: 'webhooks.manage' },
    columns: [
      { key: 'url', label: 'webhooks.url' },
      { key: 'events', label: 'webhooks.events', format: (v) => (Array.isArray(v) ? v.join(', ') : String(v ?? '')) },
      { key: 'active', label: 'webhooks.active', format: (v) => (v === false ? 'no' : 'yes') },
    ],
  },
  workflows: {
    title: 'workflows.title',
    endpoint: '/workflows',
    rowLink: rowLinkTo('workflows'),
    filters: [
      { key: 'status', label: 'workflows.status', options: choices('queued', 'running', 'compensating', 'needs_attention', 'failed', 'succeeded', 'cancelled', 'superseded') },
      { key: 'subject', label: 'workflows.subject' },
    ],
    columns: [
      { key: 'name', label: 'workflows.name' },
      { key: 'subject', label: 'workflows.subject' },
      { key: 'status', label: 'workflows.status' },
      { key: 'currentStep', label: 'workflows.step' },
      { key: 'lastError', label: 'workflows.error', format: (v) => String(v ?? '').slice(0, 80) },
      { key: 'createdAt', label: 'workflows.created', format: dateTime },
    ],
  },
  audit: {
    title: 'audit.title',
    endpoint: '/audit-logs',
    // The API's own filters; the dates are whole days (UTC), "to" inclusive.
    filters: [
      { key: 'action', label: 'audit.action' },
      { key: 'actorId', label: 'audit.actor' },
      { key: 'targetType', label: 'audit.targetType' },
      { key: 'targetId', label: 'audit.targetId' },
      { key: 'from', label: 'audit.from', input: 'date', encode: (d) => dayStart(d) },
      { key: 'to', label: 'audit.to', input: 'date', encode: (d) => dayStart(d, 1) },
    ],
    columns: [
      { key: 'createdAt', label: 'audit.when', sortable: true, format: dateTime },
      { key: 'action', label: 'audit.action' },
      { key: 'actorEmail', label: 'audit.actor', format: (v, r) => String(v ?? r.actorId ?? '') },
      { key: 'targetType', label: 'audit.target', format: (v, r) => [v, r.targetId].filter(Boolean).join(' ') },
      { key: 'ip', label: 'audit.ip' },
    ],
  },
};
