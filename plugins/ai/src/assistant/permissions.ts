import type { PermissionDefinition } from '@mpanel/sdk';

export const ASSISTANT_PERMISSIONS: PermissionDefinition[] = [];
