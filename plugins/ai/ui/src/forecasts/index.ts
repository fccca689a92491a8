import type { UiHost } from '@mpanel/sdk/ui';
import { en } from './messages.ts';

/** The forecasts panel on the staff dashboard: revenue and MRR ahead, churn risk, server capacity. */
export function setupForecasts(host: UiHost): void {
  if (host.area !== 'admin') return;
  host.addMessages('en', en);
  host.addWidget({ id: 'forecasts', title: en.forecasts.title, size: 3, permission: 'forecasts.read', component: () => import('./ForecastsWidget.vue') });
}
