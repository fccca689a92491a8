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

/**
 * A panel server's login (cPanel/WHM, Hestia): the API user and token, and TLS for a self-signed
 * panel certificate. Sent as the server's write-only `credentials` (sealed by the API).
 */
const PANEL_CREDENTIAL_FIELDS = [
  { name: 'credUsername', label: 'hosting.panelUser', hint: 'hosting.panelUserHint' },
  { name: 'credToken', label: 'hosting.panelToken', type: 'password' as const, autocomplete: 'off', hint: 'hosting.panelTokenHint' },
  { name: 'credFingerprint', label: 'hosting.panelFingerprint', hint: 'hosting.panelFingerprintHint' },
  { name: 'credTlsInsecure', label: 'hosting.panelInsecure', type: 'checkbox' as const },
];

/**
 * The server form's values as the API body: numbers as numbers, the panel login as `credentials`
 * (cPanel's user and token, or Hestia's access and secret key). A panel server needs no
 * enrollment: it starts online.
 */
export function serverBody(v: FormValues): Record<string, unknown> {
  const { credUsername, credToken, credFingerprint, credTlsInsecure, accessKey: _a, secretKey: _s, ...rest } = v;
  const credentials: Record<string, string> = { ...serverCredentials(v) };
  if (typeof credUsername === 'string' && credUsername) credentials.username = credUsername;
  if (typeof credToken === 'string' && credToken) credentials.token = credToken;
  if (typeof credFingerprint === 'string' && credFingerprint) credentials.fingerprint = credFingerprint;
  if (credTlsInsecure === true) credentials.tlsInsecure = 'true';
  const body = { ...numbers(filled(rest), ['maxAccounts', 'maxDiskGb', 'port']), ...(v.module && v.module !== 'mpanel-agent' ? { status: 'online' } : {}) };
  return Object.keys(credentials).length ? { ...body, credentials } : body;
}

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
    fields: [
      { name: 'name', label: 'hosting.name' },
      { name: 'hostname', label: 'hosting.hostname', hint: 'hosting.hostnameHint' },
      { name: 'address', label: 'hosting.address', hint: 'hosting.addressHint' },
      { name: 'groupId', label: 'hosting.group', type: 'select', source: { endpoint: '/server-groups', label: 'name', none: 'hosting.noGroup' } },
      // The modules active for the tenant (mpanel-agent, cPanel, Hestia...): empty is the agent.
      { name: 'module', label: 'hosting.module', type: 'select', source: { endpoint: '/provisioning/modules', label: 'displayName', none: 'hosting.moduleDefault' } },
      { name: 'port', label: 'hosting.port', type: 'number', hint: 'hosting.portHint' },
      ...PANEL_CREDENTIAL_FIELDS,
      { name: 'accessKey', label: 'hosting.accessKey', hint: 'hosting.accessKeyHint', autocomplete: 'off' },
      { name: 'secretKey', label: 'hosting.secretKey', type: 'password', autocomplete: 'new-password' },
      { name: 'maxAccounts', label: 'hosting.maxAccounts', type: 'number', hint: 'hosting.unlimitedHint' },
      { name: 'maxDiskGb', label: 'hosting.maxDiskGb', type: 'number', hint: 'hosting.unlimitedHint' },
    ],
    toBody: (v) => serverBody(v),
    // A panel server is tested and shows its packages; an agent server opens with its enrollment command.
    next: (s) => `/servers/${String(s.id)}${s.module === 'mpanel-agent' ? '?enroll=1' : ''}`,
  },
};

/** A grant of a group's capacity to a reseller's tenant (the server group page's form). */
export const GRANT_FIELDS = [
  { name: 'childTenantId', label: 'hosting.childTenant', type: 'select' as const, source: { endpoint: '/tenants', label: 'name', none: 'hosting.chooseTenant' } },
  { name: 'maxAccounts', label: 'hosting.maxAccounts', type: 'number' as const, hint: 'hosting.unlimitedHint' },
  { name: 'maxDiskMb', label: 'hosting.maxDiskMb', type: 'number' as const, hint: 'hosting.unlimitedHint' },
];
export const grantBody = (v: FormValues) => numbers(filled(v), ['maxAccounts', 'maxDiskMb']);
