import type { PermissionDefinition } from '@mpanel/sdk';

export const ANNOUNCEMENT_PERMISSIONS: PermissionDefinition[] = [
  { name: 'announcements.read', description: 'Read announcements (clients: published ones for them)', defaultRoles: ['super_admin', 'admin', 'manager', 'support', 'billing', 'technician', 'reseller', 'client'] },
  { name: 'announcements.write', description: 'Write, publish and mail announcements', defaultRoles: ['super_admin', 'admin', 'manager'] },
];
