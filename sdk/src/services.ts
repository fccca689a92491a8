/**
 * A typed service token. Declare it once (in the providing plugin, or a shared types package) and
 * both sides get the same type: `const invoices = serviceRef<InvoiceService>('billing.invoices')`.
 */
export interface ServiceRef<T> {
  readonly id: string;
  /** Type carrier only; never set. */
  readonly __type?: T;
}

export function serviceRef<T>(id: string): ServiceRef<T> {
  return { id };
}

export type ServiceToken<T> = ServiceRef<T> | string;

export function tokenId(token: ServiceToken<unknown>): string {
  return typeof token === 'string' ? token : token.id;
}

/**
 * An extension point: many plugins each provide one implementation under a key (a payment
 * gateway `stripe`, a provisioning module `cpanel`). Consumers list or pick them; no declaration
 * in `requires` is needed, since an extension point is a published contract.
 */
export interface ExtensionPoint<T> {
  readonly id: string;
  readonly __type?: T;
}

export function extensionPoint<T>(id: string): ExtensionPoint<T> {
  return { id };
}

export interface ProvidedExtension<T> {
  key: string;
  /** The plugin that provides it. */
  owner: string;
  impl: T;
}
