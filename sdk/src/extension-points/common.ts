/** Money is an integer in minor units with its ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** Every extension call gets the tenant it acts for and that tenant's plugin settings. */
export interface ExtensionCallContext<TSettings = Record<string, unknown>> {
  tenantId: string;
  settings: Partial<TSettings>;
}

/** A connection check result shown in the admin UI. */
export interface ConnectionTestResult {
  ok: boolean;
  message?: string;
}
