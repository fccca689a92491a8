import { ProvisioningError, type ProvisioningServer } from '@mpanel/sdk';

/**
 * How to reach a server's WHM, read from the server's sealed credentials (the hosting plugin's
 * server form stores them; only `token` is a secret, the rest rides along so one sealed blob holds
 * everything the module needs):
 *
 * - `token` (required): a WHM API token (WHM › Manage API Tokens); `username` (default `root`).
 * - `protocol`: `https` (default) or `http` (a local WHM or the test fake).
 * - TLS for self-signed WHM certificates, verification on by default: `caPem` (trust this CA),
 *   `fingerprint` (pin the certificate's SHA-256 fingerprint, "AB:CD:…"), or `tlsInsecure: "true"`.
 */
export interface WhmConnection {
  protocol: 'http' | 'https';
  host: string;
  /** The name the certificate must carry (the hostname), when connecting to an IP address. */
  servername: string;
  port: number;
  username: string;
  token: string;
  caPem?: string;
  fingerprint?: string;
  insecure: boolean;
}

/** WHM's own port (cpsrvd): 2087 over TLS, 2086 in clear. */
const DEFAULT_PORT = { https: 2087, http: 2086 } as const;

export function connectionOf(server: ProvisioningServer): WhmConnection {
  const c = server.credentials ?? {};
  const label = server.name ?? server.hostname;
  if (!c.token) throw new ProvisioningError(`Server ${label} has no WHM API token: create one in WHM (Manage API Tokens) and set it on the server`, 'AUTH');
  const protocol = c.protocol === 'http' ? 'http' : 'https';
  const fingerprint = c.fingerprint ? normalizeFingerprint(c.fingerprint) : undefined;
  if (c.fingerprint && !fingerprint) throw new ProvisioningError(`The certificate fingerprint set on server ${label} is not a SHA-256 fingerprint (64 hex digits)`, 'INVALID_INPUT');
  return {
    protocol, host: server.ipAddress ?? server.hostname, servername: server.hostname,
    port: server.port ?? DEFAULT_PORT[protocol], username: c.username || server.username || 'root', token: c.token,
    ...(c.caPem ? { caPem: c.caPem } : {}), ...(fingerprint ? { fingerprint } : {}),
    insecure: c.tlsInsecure === 'true',
  };
}

/** "ab cd:EF…" → "AB:CD:EF…" (Node's `fingerprint256` format), or undefined when it is not 32 bytes of hex. */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.length === 64 ? hex.match(/../g)!.join(':') : undefined;
}
