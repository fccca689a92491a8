import type { PermissionDefinition } from '@mpanel/sdk';

/** Staff who see the business figures (billing's report readers), never clients. */
const STAFF = ['super_admin', 'admin', 'manager', 'billing'];

export const FORECAST_PERMISSIONS: PermissionDefinition[] = [
  { name: 'forecasts.read', description: 'See revenue, MRR, churn risk and server capacity forecasts', defaultRoles: STAFF },
];
