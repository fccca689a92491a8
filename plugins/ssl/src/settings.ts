/** Let's Encrypt production; ZeroSSL is `https://acme.zerossl.com/v2/DV90` (with EAB), any RFC 8555 directory works. */
export const DEFAULT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

export interface SslSettings {
  directoryUrl?: string;
  email?: string;
  eabKid?: string;
  eabHmacKey?: string;
  preflight?: boolean;
  preflightResolvers?: string[];
}

export const SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    directoryUrl: { type: 'string', minLength: 10, maxLength: 500, pattern: '^https://', default: DEFAULT_DIRECTORY, title: 'ACME directory URL', description: 'Let\'s Encrypt by default; ZeroSSL (https://acme.zerossl.com/v2/DV90, needs EAB) or any ACME CA' },
    email: { type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', title: 'Contact e-mail for the ACME account' },
    eabKid: { type: 'string', maxLength: 500, title: 'External account binding: key id (ZeroSSL, some private CAs)' },
    eabHmacKey: { type: 'string', maxLength: 500, secret: true, title: 'External account binding: HMAC key' },
    preflight: { type: 'boolean', default: true, title: 'Check names before asking the CA', description: 'A name that does not resolve to its server (http-01) or whose zone is not hosted here (dns-01) is stopped before it burns the CA\'s rate limits' },
    preflightResolvers: {
      type: 'array', maxItems: 4, default: ['1.1.1.1', '8.8.8.8'], title: 'Resolvers for the pre-flight check',
      items: { type: 'string', maxLength: 60, pattern: '^(\\[[0-9a-fA-F:]+\\]|[0-9.]+|[0-9a-fA-F:]+)(:[0-9]{1,5})?$' },
    },
  },
} as const;
