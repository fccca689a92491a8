import type { HostingPlanLimits } from '@mpanel/sdk';

const count = { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000 } as const;
const mb = { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000_000 } as const;
/** `8.2`, `7.4`: what the agent maps to a php-fpm binary. */
export const phpVersion = { type: 'string', pattern: '^[5-9]\\.[0-9]{1,2}$' } as const;

/** JSON Schema of `HostingPlanLimits` (SDK); null = unlimited. */
export const limitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['diskMb', 'sites', 'databases', 'phpVersions', 'phpMaxChildren', 'memoryMb'],
  properties: {
    diskMb: mb, inodes: mb, bandwidthMb: mb, sites: count, databases: count, mailDomains: count, mailboxes: count,
    mailboxQuotaMb: mb, cronJobs: count, memoryMb: mb,
    phpVersions: { type: 'array', maxItems: 20, uniqueItems: true, items: phpVersion },
    phpMaxChildren: { type: 'integer', minimum: 1, maximum: 1000 },
    remotePackage: { type: ['string', 'null'], maxLength: 100 },
  },
} as const;

export const suspensionPolicySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { web: { enum: ['503', 'off'] }, sftp: { type: 'boolean' }, db: { type: 'boolean' }, cron: { type: 'boolean' }, mailReceive: { type: 'boolean' } },
} as const;

/** What a suspension switches off unless the plan says otherwise: everything but incoming mail. */
export const DEFAULT_SUSPENSION = { web: '503', sftp: true, db: true, cron: true, mailReceive: false } as const;

export type LimitKey = 'sites' | 'databases' | 'cronJobs' | 'mailDomains' | 'mailboxes';

/** The limit on `key`; null or absent = unlimited. */
export function limitOf(limits: HostingPlanLimits, key: LimitKey): number | null {
  return limits[key] ?? null;
}
