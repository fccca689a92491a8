/** The answers of GET /forecasts/revenue, /forecasts/churn and /forecasts/capacity. */
export interface SeriesForecast {
  metric: 'revenue' | 'mrr';
  currency: string;
  history: Array<{ month: string; value: number }>;
  forecast: Array<{ month: string; value: number; lower: number; upper: number }>;
  basedOn: { method: string; dataPoints: number; period: { from: string | null; to: string | null }; confidence: number; source: string };
}

export interface ChurnScore {
  clientId: string;
  name: string;
  probability: number;
  level: 'high' | 'medium' | 'low';
  factors: Array<{ factor: string; value: number; contribution: number }>;
}

export interface ChurnBasedOn { method: string; dataPoints: number; churnedClients: number }

export interface ServerCapacity {
  serverId: string;
  name: string;
  accounts: number;
  maxAccounts: number | null;
  daysUntilAccountsFull: number | null;
  daysUntilDiskFull: number | null;
}
