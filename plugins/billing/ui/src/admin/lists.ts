/**
 * Billing's admin screens that are one list: endpoint, columns, filters, where a row leads and
 * the "new" link. Labels are i18n keys. Billing lists accept no `sort` (their order is fixed by
 * the API), so no column is sortable.
 */
import { choices, date, money, rowLinkTo, type ListScreen } from '@mpanel/sdk/ui/vue';

const amount = (key: string) => (_: unknown, row: Record<string, unknown>) => money(row[key], row.currency);
const short = (v: unknown) => String(v ?? '').slice(0, 8);

export const LIST_SCREENS: Record<string, ListScreen> = {
  clients: {
    title: 'billing.clients',
    endpoint: '/clients',
    searchable: true,
    searchParam: 'search',
    rowLink: rowLinkTo('clients'),
    create: { to: '/clients/new', label: 'billing.newClient', permission: 'clients.write' },
    filters: [{ key: 'status', label: 'billing.status', options: choices('active', 'inactive', 'closed') }],
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
    rowLink: rowLinkTo('products'),
    create: { to: '/products/new', label: 'billing.newProduct', permission: 'products.write' },
    filters: [{ key: 'type', label: 'billing.type', options: choices('hosting', 'domain', 'ssl', 'other') }],
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
    filters: [{ key: 'status', label: 'billing.status', options: choices('pending', 'accepted', 'cancelled', 'fraud') }],
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
    rowLink: rowLinkTo('invoices'),
    filters: [{ key: 'status', label: 'billing.status', options: choices('draft', 'unpaid', 'paid', 'cancelled', 'refunded') }],
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
    rowLink: rowLinkTo('services'),
    filters: [{ key: 'status', label: 'billing.status', options: choices('pending', 'active', 'suspended', 'terminated', 'cancelled') }],
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
  'wholesale-groups': {
    title: 'wholesale.groups',
    endpoint: '/wholesale-groups',
    rowLink: rowLinkTo('wholesale-groups'),
    create: { to: '/wholesale-groups/new', label: 'wholesale.newGroup', permission: 'wholesale.manage' },
    columns: [
      { key: 'name', label: 'billing.name' },
      { key: 'memberTenantIds', label: 'wholesale.members', format: (v) => String(Array.isArray(v) ? v.length : 0) },
    ],
  },
};
