import { randomBytes } from 'node:crypto';
import { ConflictError, ValidationError, type TenantDb } from '@mpanel/sdk';
import type { Config } from '../../config/config.ts';
import { normalizeDomain, reservedDomainReason } from '../../tenancy/platform-hosts.ts';
import { proofInstructions, type DomainVerifier, type ProofMethod } from '../../tenancy/domain-verifier.ts';
import { isUniqueViolation } from '../users/user-accounts.ts';
import { toApi } from '../serialize.ts';

export interface DomainRow {
  id: string;
  tenant_id: string;
  domain: string;
  status: 'pending' | 'verified';
  verification_token: string;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

type HostConfig = Pick<Config, 'publicUrl' | 'platformDomains'>;

/** A claim as the API shows it; a pending one with what to publish to prove it. */
export function domainToApi(row: DomainRow): Record<string, unknown> {
  const out = toApi(row, ['verification_token', 'tenant_id']);
  return row.status === 'pending' ? { ...out, verification: proofInstructions(row.domain, row.verification_token) } : out;
}

export function listDomains(db: TenantDb): Promise<DomainRow[]> {
  return db('tenant_domains').select('*').orderBy([{ column: 'domain' }]) as Promise<DomainRow[]>;
}

function assertClaimable(domain: string, config: HostConfig): void {
  const reason = reservedDomainReason(domain, config);
  if (reason) throw new ValidationError({ domain: reason });
}

/** Another tenant's verified domain is visible to no tenant; a definer function answers whether one exists. */
async function assertNotTaken(db: TenantDb, domain: string): Promise<void> {
  const { rows } = (await db.trx.raw('select mpanel_domain_taken(?, ?) as taken', [domain, db.tenantId])) as { rows: Array<{ taken: boolean }> };
  if (rows[0]?.taken) throw new ConflictError('This domain is verified for another tenant', { domain: 'is already taken' });
}

/** A pending claim of `domain` for the tenant of `db`: it routes nothing until verified. */
export async function claimDomain(db: TenantDb, domain: string, config: HostConfig): Promise<DomainRow> {
  const name = normalizeDomain(domain);
  assertClaimable(name, config);
  await assertNotTaken(db, name);
  try {
    const [row] = await db.insert<DomainRow>('tenant_domains', { domain: name, status: 'pending', verification_token: randomBytes(16).toString('hex') });
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('The tenant has already claimed this domain', { domain: 'is already claimed' });
    throw err;
  }
}

/** Verifies a claim by its DNS record or HTTP token; another tenant's verified domain is a 409. */
export async function verifyDomain(db: TenantDb, row: DomainRow, verifier: DomainVerifier, config: HostConfig, methods?: ProofMethod[]): Promise<DomainRow> {
  if (row.status === 'verified') return row;
  // The platform's names may have changed since the claim.
  assertClaimable(row.domain, config);
  await assertNotTaken(db, row.domain);
  const method = await verifier.prove(row.domain, row.verification_token, methods);
  if (!method) {
    const how = proofInstructions(row.domain, row.verification_token);
    throw new ValidationError({ domain: `no proof found: publish TXT ${how.dns.name} "${how.dns.value}" or serve the token at ${how.http.url}` });
  }
  try {
    const [verified] = (await db('tenant_domains').where({ id: row.id }).update({ status: 'verified', verified_at: new Date(), updated_at: new Date() }).returning('*')) as DomainRow[];
    return verified!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('This domain is verified for another tenant', { domain: 'is already taken' });
    throw err;
  }
}

/**
 * The old `domains` list of tenant create/update: names left out are dropped, new names become
 * pending claims (verified ones stay verified). Nothing is mapped without proof.
 */
export async function syncDomainNames(db: TenantDb, names: string[], config: HostConfig): Promise<void> {
  const wanted = [...new Set(names.map(normalizeDomain))];
  for (const name of wanted) assertClaimable(name, config);
  const existing = await listDomains(db);
  const stale = existing.filter((row) => !wanted.includes(row.domain.toLowerCase())).map((row) => row.id);
  if (stale.length) await db('tenant_domains').whereIn('id', stale).delete();
  const known = new Set(existing.map((row) => row.domain.toLowerCase()));
  for (const name of wanted) if (!known.has(name)) await claimDomain(db, name, config);
}
