/**
 * Connections to hosts a tenant configures (an SMTP host, a DNS or control-panel API, a registrar)
 * go through `ctx.net`: a tenant admin must not be able to point the server at the internal
 * network. Private, loopback, link-local and the like are refused unless the operator allows
 * private targets (`MPANEL_ALLOW_PRIVATE_TARGETS=true`, for on-premise installs and tests).
 */
export interface PluginNet {
  /**
   * Resolves `host` (a name or an IP literal) to one address safe to connect to; throws
   * `PrivateTargetError` otherwise. Connect to the returned address, not to the name again (a second
   * lookup may answer differently: DNS rebinding); for TLS pass the name as `servername`.
   */
  resolvePublic(host: string): Promise<{ address: string; family: 4 | 6 }>;
}

/** A tenant-configured target that resolves to a private address (or does not resolve). */
export class PrivateTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateTargetError';
  }
}
