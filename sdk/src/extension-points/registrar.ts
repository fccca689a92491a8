import type { ConnectionTestResult, ExtensionCallContext, Money } from './common.ts';

export interface DomainContact {
  firstName: string;
  lastName: string;
  companyName?: string;
  email: string;
  phone: string;
  address1: string;
  address2?: string;
  city: string;
  state?: string;
  postalCode: string;
  /** ISO 3166 alpha-2. */
  country: string;
}

export interface DomainContacts {
  registrant: DomainContact;
  admin?: DomainContact;
  tech?: DomainContact;
  billing?: DomainContact;
}

export interface DomainRequest {
  /** Fully qualified, lower case, IDN in punycode. */
  domain: string;
  years: number;
  nameservers: string[];
  contacts: DomainContacts;
  privacy?: boolean;
  /** Transfers: the authorization (EPP) code. */
  authCode?: string;
}

export interface DomainInfo {
  domain: string;
  status: 'active' | 'pending' | 'pendingTransfer' | 'expired' | 'cancelled' | 'redemption';
  expiresAt: string;
  nameservers: string[];
  locked: boolean;
  privacy?: boolean;
}

export interface DomainAvailability {
  domain: string;
  available: boolean;
  premium?: boolean;
  /** Registration price at the registrar, when it tells. */
  price?: Money;
}

export interface RegistrarOperationResult {
  ok: true;
  /** Operations the registry completes later (transfers) report pending. */
  status?: 'completed' | 'pending';
  message?: string;
}

/** A domain registrar (ResellerClub, Enom, OpenSRS...). All operations must be idempotent per domain. */
export interface RegistrarModule<TSettings = Record<string, unknown>> {
  displayName: string;
  /** TLDs supported, without the dot; absent means "ask checkAvailability". */
  tlds?: string[];
  checkAvailability(ctx: ExtensionCallContext<TSettings>, domains: string[]): Promise<DomainAvailability[]>;
  register(ctx: ExtensionCallContext<TSettings>, request: DomainRequest): Promise<RegistrarOperationResult>;
  transfer(ctx: ExtensionCallContext<TSettings>, request: DomainRequest): Promise<RegistrarOperationResult>;
  renew(ctx: ExtensionCallContext<TSettings>, domain: string, years: number): Promise<RegistrarOperationResult>;
  getInfo(ctx: ExtensionCallContext<TSettings>, domain: string): Promise<DomainInfo>;
  setNameservers(ctx: ExtensionCallContext<TSettings>, domain: string, nameservers: string[]): Promise<RegistrarOperationResult>;
  setContacts?(ctx: ExtensionCallContext<TSettings>, domain: string, contacts: DomainContacts): Promise<RegistrarOperationResult>;
  setLock?(ctx: ExtensionCallContext<TSettings>, domain: string, locked: boolean): Promise<RegistrarOperationResult>;
  setPrivacy?(ctx: ExtensionCallContext<TSettings>, domain: string, enabled: boolean): Promise<RegistrarOperationResult>;
  getAuthCode?(ctx: ExtensionCallContext<TSettings>, domain: string): Promise<string>;
  /** Syncs expiry and status for the nightly domain sync. */
  sync?(ctx: ExtensionCallContext<TSettings>, domain: string): Promise<DomainInfo>;
  testConnection(ctx: ExtensionCallContext<TSettings>): Promise<ConnectionTestResult>;
}
