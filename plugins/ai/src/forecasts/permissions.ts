import type { PermissionDefinition } from '@mpanel/sdk';

export const FORECAST_PERMISSIONS: PermissionDefinition[] = [];
