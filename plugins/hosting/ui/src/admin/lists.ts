/**
 * Hosting's staff screens that are one list: endpoint, columns, filters, where a row leads and
 * the "new" link. Labels are i18n keys.
 */
import { choices, dateTime, rowLinkTo, type ListScreen } from '@mpanel/sdk/ui/vue';
import { compareStates } from '../drift.ts';
import { P } from '../permissions.ts';
import type { HostingAccount } from '../types.ts';

const unlimited = (v: unknown) => (v === null || v === undefined ? '∞' : String(v));

export const LIST_SCREENS: Record<string, ListScreen & { permission: string }> = {
  servers: {
    title: 'hosting.servers',
    permission: P.serversRead,
    endpoint: '/servers',
    rowLink: rowLinkTo('servers'),
    create: { to: '/servers/new', label: 'hosting.newServer', permission: P.serversWrite },
    filters: [{ key: 'status', label: 'hosting.status', options: choices('enrolling', 'online', 'offline', 'draining', 'maintenance') }],
    columns: [
      { key: 'name', label: 'hosting.name' },
      { key: 'hostname', label: 'hosting.hostname' },
      { key: 'status', label: 'hosting.status' },
      { key: 'maxAccounts', label: 'hosting.maxAccounts', format: unlimited },
      { key: 'lastSeenAt', label: 'hosting.lastSeen', format: dateTime },
    ],
  },
  'server-groups': {
    title: 'hosting.serverGroups',
    permission: P.groupsRead,
    endpoint: '/server-groups',
    rowLink: rowLinkTo('server-groups'),
    create: { to: '/server-groups/new', label: 'hosting.newServerGroup', permission: P.groupsWrite },
    columns: [
      { key: 'name', label: 'hosting.name' },
      { key: 'placement', label: 'hosting.placement' },
    ],
  },
  'hosting-plans': {
    title: 'hosting.plans',
    permission: P.plansRead,
    endpoint: '/hosting-plans',
    rowLink: rowLinkTo('hosting-plans'),
    create: { to: '/hosting-plans/new', label: 'hosting.newPlan', permission: P.plansWrite },
    columns: [
      { key: 'name', label: 'hosting.name' },
      { key: 'sites', label: 'hosting.limit.sites', format: (_, r) => unlimited((r.limits as { sites?: unknown } | null)?.sites) },
      { key: 'databases', label: 'hosting.limit.databases', format: (_, r) => unlimited((r.limits as { databases?: unknown } | null)?.databases) },
      { key: 'diskMb', label: 'hosting.limit.diskMb', format: (_, r) => unlimited((r.limits as { diskMb?: unknown } | null)?.diskMb) },
      { key: 'phpVersions', label: 'hosting.limit.phpVersions', format: (_, r) => ((r.limits as { phpVersions?: string[] } | null)?.phpVersions ?? []).join(', ') },
    ],
  },
  'hosting-accounts': {
    title: 'hosting.accounts',
    permission: P.accountsRead,
    endpoint: '/hosting-accounts',
    searchable: true,
    searchParam: 'search',
    rowLink: rowLinkTo('hosting-accounts'),
    filters: [{ key: 'desiredState', label: 'hosting.intent', options: choices('active', 'suspended', 'terminated') }],
    columns: [
      { key: 'username', label: 'hosting.username', format: (v, r) => String(v ?? String(r.id).slice(0, 8)) },
      { key: 'domain', label: 'hosting.domain', format: (v) => String(v ?? '') },
      { key: 'desiredState', label: 'hosting.intent' },
      { key: 'observedState', label: 'hosting.observed', format: (v) => String(v ?? '—') },
      { key: 'drift', label: 'hosting.drift', format: (_, r) => (compareStates(r as unknown as HostingAccount).drift ? '⚠ drift' : '') },
    ],
  },
};
