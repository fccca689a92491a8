import { extensionPoint } from '../services.ts';
import type { PaymentGateway } from './payment-gateway.ts';
import type { ProvisioningModule } from './provisioning.ts';
import type { RegistrarModule } from './registrar.ts';
import type { DnsProvider } from './dns.ts';
import type { CdnProvider } from './cdn.ts';
import type { MailTransport } from './mail.ts';
import type { BrandingProvider } from './branding.ts';
import type { ClientAccountDirectory } from './client-accounts.ts';

export type * from './common.ts';
export type * from './payment-gateway.ts';
export type * from './provisioning.ts';
export type * from './registrar.ts';
export type * from './dns.ts';
export type * from './cdn.ts';
export type * from './mail.ts';
export type * from './branding.ts';
export type * from './client-accounts.ts';
export { isBrandColor, isBrandFont } from './branding.ts';
export { DnsProviderError, dnsZonesRef } from './dns.ts';
export { CdnProviderError } from './cdn.ts';
export { ProvisioningError, RETRYABLE_PROVISIONING_CODES } from './provisioning.ts';

/**
 * The published extension points. A gateway plugin does
 * `ctx.extensions.provide(extensionPoints.paymentGateway, 'stripe', gateway)`;
 * billing does `ctx.extensions.get(extensionPoints.paymentGateway, 'stripe')`.
 */
export const extensionPoints = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  paymentGateway: extensionPoint<PaymentGateway<any>>('payment-gateway'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  provisioning: extensionPoint<ProvisioningModule<any>>('provisioning'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registrar: extensionPoint<RegistrarModule<any>>('registrar'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  dns: extensionPoint<DnsProvider<any>>('dns'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  cdn: extensionPoint<CdnProvider<any>>('cdn'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  mail: extensionPoint<MailTransport<any>>('mail'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  branding: extensionPoint<BrandingProvider<any>>('branding'),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  clientAccounts: extensionPoint<ClientAccountDirectory<any>>('client-accounts'),
} as const;
