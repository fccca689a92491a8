import type { PermissionDefinition } from '@mpanel/sdk';

export const ASSIST_PERMISSIONS: PermissionDefinition[] = [];
