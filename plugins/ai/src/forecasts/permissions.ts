import type { PermissionDefinition } from '@mpanel/sdk';

export const FORECASTS_PERMISSIONS: PermissionDefinition[] = [];
