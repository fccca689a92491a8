import type { PermissionDefinition } from '@mpanel/sdk';

export const ASSISTANT_PERMISSION = 'ai.assistant';
export const PORTAL_ASSISTANT_PERMISSION = 'ai.portal-assistant';

/**
 * Using the chat only: what the assistant can read or change is whatever the user's own
 * permissions allow, since every tool call goes through the API with the user's token.
 */
// The portal's permission is also held by the staff who manage client users: only a holder may grant it.
export const ASSISTANT_PERMISSIONS: PermissionDefinition[] = [
  { name: ASSISTANT_PERMISSION, description: 'Use the assistant in the admin (it acts with your own permissions)', defaultRoles: ['super_admin', 'admin', 'manager', 'billing', 'support', 'technician'] },
  { name: PORTAL_ASSISTANT_PERMISSION, description: 'Use the assistant in the client portal (it sees only your own account)', defaultRoles: ['super_admin', 'admin', 'manager', 'client'] },
];
