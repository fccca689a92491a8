/**
 * The admin screens that are one list: endpoint, columns, filters. Labels are i18n keys.
 */
import type { Column, Filter } from '../shared/components/DataList.vue';
import { date, dateTime, money } from '../shared/format.ts';

export interface ListScreen {
  title: string;
  endpoint: string;
  columns: Column[];
  filters?: Filter[];
  searchable?: boolean;
}

const options = (...values: string[]) => values.map((value) => ({ value, label: value }));
const amount = (key: string) => (_: unknown, row: Record<string, unknown>) => money(row[key], row.currency);

export const LIST_SCREENS: Record<string, ListScreen> = {
  clients: {
    title: 'billing.clients',
    endpoint: '/clients',
    searchable: true,
    columns: [
      { key: 'email', label: 'billing.email', sortable: true },
      { key: 'lastName', label: 'billing.name', sortable: true, format: (_, r) => `${String(r.firstName ?? '')} ${String(r.lastName ?? '')}`.trim() },
      { key: 'companyName', label: 'billing.company' },
      { key: 'country', label: 'billing.country' },
      { key: 'createdAt', label: 'billing.created', sortable: true, format: date },
    ],
  },
  products: {
    title: 'billing.products',
    endpoint: '/products',
    searchable: true,
    filters: [{ key: 'type', label: 'billing.type', options: options('hosting', 'domain', 'ssl', 'other') }],
    columns: [
      { key: 'name', label: 'billing.name', sortable: true },
      { key: 'type', label: 'billing.type' },
      { key: 'pricing', label: 'billing.amount', format: (v) => (Array.isArray(v) ? v.map((p: Record<string, unknown>) => `${money(p.amount, p.currency)} / ${String(p.cycle)}`).join(', ') : '') },
    ],
  },
  orders: {
    title: 'billing.orders',
    endpoint: '/orders',
    filters: [{ key: 'status', label: 'billing.status', options: options('pending', 'active', 'cancelled', 'fraud') }],
    columns: [
      { key: 'id', label: 'billing.number', format: (v) => String(v).slice(0, 8) },
      { key: 'clientId', label: 'billing.client', format: (v) => String(v ?? '').slice(0, 8) },
      { key: 'status', label: 'billing.status' },
      { key: 'total', label: 'billing.total', format: amount('total') },
      { key: 'createdAt', label: 'billing.created', sortable: true, format: date },
    ],
  },
  invoices: {
    title: 'billing.invoices',
    endpoint: '/invoices',
    filters: [{ key: 'status', label: 'billing.status', options: options('draft', 'unpaid', 'paid', 'cancelled', 'refunded') }],
    columns: [
      { key: 'number', label: 'billing.number', sortable: true },
      { key: 'status', label: 'billing.status' },
      { key: 'total', label: 'billing.total', sortable: true, format: amount('total') },
      { key: 'amountDue', label: 'billing.amountDue', format: amount('amountDue') },
      { key: 'dueDate', label: 'billing.due', sortable: true, format: date },
    ],
  },
  services: {
    title: 'billing.services',
    endpoint: '/services',
    filters: [{ key: 'status', label: 'billing.status', options: options('pending', 'active', 'suspended', 'terminated', 'cancelled') }],
    columns: [
      { key: 'domain', label: 'billing.name', format: (v, r) => String(v ?? r.productName ?? r.productId ?? '') },
      { key: 'status', label: 'billing.status' },
      { key: 'cycle', label: 'billing.cycle' },
      { key: 'amount', label: 'billing.amount', format: amount('amount') },
      { key: 'nextDueDate', label: 'billing.nextDue', sortable: true, format: date },
    ],
  },
  tenants: {
    title: 'tenants.title',
    endpoint: '/tenants',
    searchable: true,
    columns: [
      { key: 'name', label: 'tenants.name', sortable: true },
      { key: 'slug', label: 'tenants.slug' },
      { key: 'status', label: 'tenants.status' },
    ],
  },
  webhooks: {
    title: 'webhooks.title',
    endpoint: '/webhooks',
    columns: [
      { key: 'url', label: 'webhooks.url' },
      { key: 'events', label: 'webhooks.events', format: (v) => (Array.isArray(v) ? v.join(', ') : String(v ?? '')) },
      { key: 'active', label: 'webhooks.active', format: (v) => (v === false ? 'no' : 'yes') },
    ],
  },
  audit: {
    title: 'audit.title',
    endpoint: '/audit-logs',
    columns: [
      { key: 'createdAt', label: 'audit.when', sortable: true, format: dateTime },
      { key: 'action', label: 'audit.action' },
      { key: 'actorEmail', label: 'audit.actor', format: (v, r) => String(v ?? r.actorId ?? '') },
      { key: 'targetType', label: 'audit.target', format: (v, r) => [v, r.targetId].filter(Boolean).join(' ') },
      { key: 'ip', label: 'audit.ip' },
    ],
  },
};
