import type { PermissionDefinition } from '@mpanel/sdk';

/** Drafts and triage are staff work: `ai.use` comes on top of support's `tickets.manage`. */
export const ASSIST_PERMISSIONS: PermissionDefinition[] = [
  { name: 'ai.use', description: 'Use AI features: ticket drafts, triage suggestions, the assistant', defaultRoles: ['super_admin', 'admin', 'manager', 'support'] },
  { name: 'ai.manage', description: 'Edit AI settings (endpoint, key, models, budget, switches) and see AI usage', defaultRoles: ['super_admin', 'admin'] },
];
