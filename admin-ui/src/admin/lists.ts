/**
 * The admin screens that are one list: endpoint, columns, filters, where a row leads and the
 * "new" link. Labels are i18n keys. Billing lists accept no `sort` (their order is fixed by the
 * API), so only core lists have sortable columns.
 */
// Helpers by file: the router (and so the login page) imports these lists.
import type { Column, Filter } from '@mpanel/sdk/ui/vue';
import { date, dateTime, money } from '@mpanel/sdk/ui/vue/format.ts';

export interface ListScreen {
  title: string;
  endpoint: string;
  columns: Column[];
  filters?: Filter[];
  searchable?: boolean;
  searchParam?: string;
  rowLink?: (row: Record<string, unknown>) => string;
  create?: { to: string; label: string; permission: string };
}

const options = (...values: string[]) => values.map((value) => ({ value, label: value }));
const amount = (key: string) => (_: unknown, row: Record<string, unknown>) => money(row[key], row.currency);
const link = (base: string) => (row: Record<string, unknown>) => `/${base}/${String(row.id)}`;
const short = (v: unknown) => String(v ?? '').slice(0, 8);
/** The start of a `YYYY-MM-DD` day (UTC) plus `days`, as the API's date-time; a malformed day is sent as typed (the API answers 400). */
const dayStart = (day: string, days = 0) => {
  const at = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(at) ? day : new Date(at + days * 86_400_000).toISOString();
};

export const LIST_SCREENS: Record<string, ListScreen> = {
  clients: {
    title: 'billing.clients',
    endpoint: '/clients',
    searchable: true,
    searchParam: 'search',
    rowLink: link('clients'),
    create: { to: '/clients/new', label: 'billing.newClient', permission: 'clients.write' },
    filters: [{ key: 'status', label: 'billing.status', options: options('active', 'inactive', 'closed') }],
    columns: [
      { key: 'email', label: 'billing.email' },
      { key: 'lastName', label: 'billing.name', format: (_, r) => `${String(r.firstName ?? '')} ${String(r.lastName ?? '')}`.trim() },
      { key: 'companyName', label: 'billing.company' },
      { key: 'country', label: 'billing.country' },
      { key: 'createdAt', label: 'billing.created', format: date },
    ],
  },
  products: {
    title: 'billing.products',
    endpoint: '/products',
    rowLink: link('products'),
    create: { to: '/products/new', label: 'billing.newProduct', permission: 'products.write' },
    filters: [{ key: 'type', label: 'billing.type', options: options('hosting', 'domain', 'ssl', 'other') }],
    columns: [
      { key: 'name', label: 'billing.name' },
      { key: 'type', label: 'billing.type' },
      { key: 'pricing', label: 'billing.amount', format: (v) => (Array.isArray(v) ? v.map((p: Record<string, unknown>) => `${money(p.amount, p.currency)} / ${String(p.cycle)}`).join(', ') : '') },
    ],
  },
  orders: {
    title: 'billing.orders',
    endpoint: '/orders',
    rowLink: (row) => (row.invoiceId ? `/invoices/${String(row.invoiceId)}` : `/clients/${String(row.clientId)}`),
    create: { to: '/orders/new', label: 'billing.newOrder', permission: 'orders.create' },
    filters: [{ key: 'status', label: 'billing.status', options: options('pending', 'accepted', 'cancelled', 'fraud') }],
    columns: [
      { key: 'id', label: 'billing.number', format: short },
      { key: 'clientId', label: 'billing.client', format: short },
      { key: 'status', label: 'billing.status' },
      { key: 'total', label: 'billing.total', format: amount('total') },
      { key: 'createdAt', label: 'billing.created', format: date },
    ],
  },
  invoices: {
    title: 'billing.invoices',
    endpoint: '/invoices',
    rowLink: link('invoices'),
    filters: [{ key: 'status', label: 'billing.status', options: options('draft', 'unpaid', 'paid', 'cancelled', 'refunded') }],
    columns: [
      { key: 'number', label: 'billing.number', format: (v, r) => String(v ?? short(r.id)) },
      { key: 'status', label: 'billing.status' },
      { key: 'total', label: 'billing.total', format: amount('total') },
      { key: 'amountDue', label: 'billing.amountDue', format: amount('amountDue') },
      { key: 'dueDate', label: 'billing.due', format: date },
    ],
  },
  services: {
    title: 'billing.services',
    endpoint: '/services',
    rowLink: link('services'),
    filters: [{ key: 'status', label: 'billing.status', options: options('pending', 'active', 'suspended', 'terminated', 'cancelled') }],
    columns: [
      { key: 'domain', label: 'billing.name', format: (v, r) => String(v ?? r.productName ?? short(r.id)) },
      { key: 'status', label: 'billing.status' },
      { key: 'cycle', label: 'billing.cycle' },
      { key: 'amount', label: 'billing.amount', format: amount('amount') },
      { key: 'nextDueDate', label: 'billing.nextDue', format: date },
    ],
  },
  coupons: {
    title: 'billing.coupons',
    endpoint: '/coupons',
    create: { to: '/coupons/new', label: 'billing.newCoupon', permission: 'coupons.write' },
    columns: [
      { key: 'code', label: 'billing.code' },
      { key: 'type', label: 'billing.type' },
      { key: 'value', label: 'billing.value', format: (v, r) => (r.type === 'percent' ? `${String(v)} %` : money(v, r.currency)) },
      { key: 'recurring', label: 'billing.recurring', format: (v) => (v ? '✓' : '') },
      { key: 'usesCount', label: 'billing.uses', format: (v, r) => `${String(v ?? 0)}${r.maxUses ? ` / ${String(r.maxUses)}` : ''}` },
      { key: 'expiresAt', label: 'billing.expires', format: date },
    ],
  },
  'tax-rules': {
    title: 'billing.taxRules',
    endpoint: '/tax-rules',
    create: { to: '/tax-rules/new', label: 'billing.newTaxRule', permission: 'tax-rules.write' },
    columns: [
      { key: 'name', label: 'billing.name' },
      { key: 'country', label: 'billing.country', format: (v) => String(v ?? '*') },
      { key: 'state', label: 'billing.state', format: (v) => String(v ?? '') },
      { key: 'rate', label: 'billing.rate', format: (v) => `${String(v)} %` },
      { key: 'level', label: 'billing.level' },
      { key: 'compound', label: 'billing.compound', format: (v) => (v ? '✓' : '') },
    ],
  },
  tenants: {
    title: 'tenants.title',
    endpoint: '/tenants',
    searchable: true,
    rowLink: link('tenants'),
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
    rowLink: link('webhooks'),
    create: { to: '/webhooks/new', label: 'webhooks.new', permission: 'webhooks.manage' },
    columns: [
      { key: 'url', label: 'webhooks.url' },
      { key: 'events', label: 'webhooks.events', format: (v) => (Array.isArray(v) ? v.join(', ') : String(v ?? '')) },
      { key: 'active', label: 'webhooks.active', format: (v) => (v === false ? 'no' : 'yes') },
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
