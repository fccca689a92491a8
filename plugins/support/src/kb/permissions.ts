import type { PermissionDefinition } from '@mpanel/sdk';

const WRITERS = ['super_admin', 'admin', 'manager', 'support'];

export const KB_PERMISSIONS: PermissionDefinition[] = [
  { name: 'kb.read', description: 'Read knowledge base articles (clients: public and client articles)', defaultRoles: [...WRITERS, 'billing', 'technician', 'reseller', 'client'] },
  { name: 'kb.write', description: 'Write knowledge base articles and categories, see drafts', defaultRoles: WRITERS },
];
