import type { Knex } from 'knex';
import { serviceRef } from './services.ts';

/** A website of a hosting account, as certificate plugins (ssl, cdn) need it. */
export interface HostedSite {
  id: string;
  accountId: string;
  clientId: string;
  serverId: string | null;
  /** The server's public address when staff entered one (pre-flight compares DNS answers with it). */
  serverAddress: string | null;
  serverHostname: string | null;
  domain: string;
  aliases: string[];
  /** The website row's state (`active`, `pending`, `suspended`...). */
  state: string;
  redirectHttps: boolean;
  certificateId: string | null;
}

/** A server of the hosting inventory, as certificate plugins need it (server-level certificates). */
export interface HostedServer {
  id: string;
  name: string;
  hostname: string;
  /** The host name mail clients and MX records point at for accounts on this server (lower case, no trailing dot). */
  mailHost: string;
  address: string | null;
}

/** Reads inside the caller's transaction (row-level security applies). */
export interface HostingSites {
  /** The live website serving `name` as its domain or one of its aliases, or null. */
  findByName(name: string): Promise<HostedSite | null>;
  get(siteId: string): Promise<HostedSite | null>;
  /** One of the tenant's servers (another tenant's is null). */
  server(serverId: string): Promise<HostedServer | null>;
  /** The tenant's server whose mail host name is `name` (its certificate is installed there), or null. */
  serverByHost(name: string): Promise<HostedServer | null>;
}

/**
 * Provided by the hosting plugin under `hostingSitesRef` for certificate plugins. The three calls
 * that reach the site's server run outside any transaction (they wait for the server) and throw
 * `ProvisioningError` (retryable when the server is unreachable) or `NotFoundError`.
 */
export interface HostingSitesService {
  forTenant(trx: Knex.Transaction, tenantId: string): HostingSites;
  /** http-01: puts the key authorization at `/.well-known/acme-challenge/<token>` of the site (root-owned, outside the docroot). */
  putChallenge(tenantId: string, siteId: string, challenge: { token: string; keyAuthorization: string }): Promise<void>;
  removeChallenge(tenantId: string, siteId: string, token: string): Promise<void>;
  /** Installs the certificate on the site's server (served on its HTTPS listener) and records it on the website. */
  installCertificate(tenantId: string, siteId: string, cert: { certificateId: string; certPem: string; keyPem: string }): Promise<void>;
  /**
   * Installs a certificate for the server's own host name (its mail services) through the server's
   * module (`certificates.installServer`); `UNSUPPORTED` when the module has none.
   */
  installServerCertificate(tenantId: string, serverId: string, cert: { names: string[]; certPem: string; keyPem: string }): Promise<{ changed: boolean }>;
}

export const hostingSitesRef = serviceRef<HostingSitesService>('hosting.sites');
