/**
 * Hosting's simple create screens (CreatePage props): fields, how their values become the API
 * body, and where to go afterwards. Empty optional fields are left out of the body.
 */
import { choices, filled, type CreateScreen, type FormValues } from '@mpanel/sdk/ui/vue';
import { P } from '../permissions.ts';
import { serverCredentials } from '../import.ts';

/** Whole-number fields as numbers (the API answers 422 naming the field for anything else). */
function numbers(body: FormValues, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const k of keys) if (typeof body[k] === 'string') out[k] = /^\d+$/.test(body[k]) ? Number(body[k]) : body[k];
  return out;
}

export const PLACEMENTS = ['least_full', 'fill', 'round_robin'];

export const CREATE_SCREENS: Record<string, CreateScreen> = {
  'server-groups': {
    title: 'hosting.newServerGroup',
    endpoint: '/server-groups',
    permission: P.groupsWrite,
    back: '/server-groups',
    next: (g) => `/server-groups/${String(g.id)}`,
    fields: [
      { name: 'name', label: 'hosting.name' },
      { name: 'placement', label: 'hosting.placement', type: 'select', options: choices(...PLACEMENTS), hint: 'hosting.placementHint' },
    ],
    toBody: (v) => filled(v),
  },
  servers: {
    title: 'hosting.newServer',
    endpoint: '/servers',
    permission: P.serversWrite,
    back: '/servers',
    // An agent server's page opens with its enrollment command (the agent is installed next).
    next: (s) => `/servers/${String(s.id)}${s.module === 'mpanel-agent' ? '?enroll=1' : ''}`,
    fields: [
      { name: 'name', label: 'hosting.name' },
      { name: 'hostname', label: 'hosting.hostname', hint: 'hosting.hostnameHint' },
      { name: 'address', label: 'hosting.address', hint: 'hosting.addressHint' },
      { name: 'groupId', label: 'hosting.group', type: 'select', source: { endpoint: '/server-groups', label: 'name', none: 'hosting.noGroup' } },
      { name: 'module', label: 'hosting.module', type: 'select', options: choices('mpanel-agent', 'hestia'), hint: 'hosting.moduleHint' },
      { name: 'port', label: 'hosting.port', type: 'number', hint: 'hosting.portHint' },
      { name: 'accessKey', label: 'hosting.accessKey', hint: 'hosting.accessKeyHint', autocomplete: 'off' },
      { name: 'secretKey', label: 'hosting.secretKey', type: 'password', autocomplete: 'new-password' },
      { name: 'maxAccounts', label: 'hosting.maxAccounts', type: 'number', hint: 'hosting.unlimitedHint' },
      { name: 'maxDiskGb', label: 'hosting.maxDiskGb', type: 'number', hint: 'hosting.unlimitedHint' },
    ],
    toBody: (v) => {
      const { accessKey: _a, secretKey: _s, ...rest } = numbers(filled(v), ['maxAccounts', 'maxDiskGb', 'port']);
      const credentials = serverCredentials(v);
      // A panel server is usable at once (no enrollment): it starts online.
      return { ...rest, ...(credentials ? { credentials } : {}), ...(v.module === 'hestia' ? { status: 'online' } : {}) };
    },
  },
};

/** A grant of a group's capacity to a reseller's tenant (the server group page's form). */
export const GRANT_FIELDS = [
  { name: 'childTenantId', label: 'hosting.childTenant', type: 'select' as const, source: { endpoint: '/tenants', label: 'name', none: 'hosting.chooseTenant' } },
  { name: 'maxAccounts', label: 'hosting.maxAccounts', type: 'number' as const, hint: 'hosting.unlimitedHint' },
  { name: 'maxDiskMb', label: 'hosting.maxDiskMb', type: 'number' as const, hint: 'hosting.unlimitedHint' },
];
export const grantBody = (v: FormValues) => numbers(filled(v), ['maxAccounts', 'maxDiskMb']);
