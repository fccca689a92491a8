import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantDb } from '@mpanel/sdk';

export interface ReleasedPanelCertificate {
  id: string;
  name: string;
  certPem: string | null;
}

/**
 * Panel-domain certificates whose name is no longer one of the tenant's verified domains (the
 * tenant released it in Settings → Domains): their rows are deleted, so nothing renews or
 * installs them again. Core stops mapping the host at once; the sweep calls this every minute, so
 * the certificate is gone within one. A row being issued right now is left to its run and taken
 * on the next sweep.
 */
export async function dropReleasedPanelCertificates(db: TenantDb, now: Date, staleClaimMs: number): Promise<ReleasedPanelCertificate[]> {
  const rows = (await db('certificates').where('certificates.panel_domain', true)
    .where((q) => q.whereNull('certificates.in_progress_since').orWhere('certificates.in_progress_since', '<', new Date(now.getTime() - staleClaimMs)))
    .whereNotExists((q) => q.select(db.trx.raw('1')).from('tenant_domains')
      .whereRaw('tenant_domains.tenant_id = certificates.tenant_id')
      .whereRaw('lower(tenant_domains.domain) = certificates.primary_name')
      .where('tenant_domains.status', 'verified'))
    .select('certificates.id', 'certificates.primary_name', 'certificates.certificate_pem')) as Array<{ id: string; primary_name: string; certificate_pem: string | null }>;
  if (rows.length) await db('certificates').whereIn('certificates.id', rows.map((r) => r.id)).delete();
  return rows.map((r) => ({ id: r.id, name: r.primary_name, certPem: r.certificate_pem }));
}

/**
 * Takes a released domain's pair out of MPANEL_TLS_DIR so the front proxy stops presenting it.
 * Only when the file on disk is still this certificate: another tenant that verified the name
 * since may already have its own pair there.
 */
export function removeTlsPair(dir: string, released: ReleasedPanelCertificate): boolean {
  if (!released.certPem || !/^[a-z0-9.-]+$/.test(released.name) || released.name.includes('..')) return false;
  const crt = join(dir, `${released.name}.crt`);
  let onDisk: string;
  try {
    onDisk = readFileSync(crt, 'utf8');
  } catch {
    return false;
  }
  if (onDisk !== released.certPem) return false;
  rmSync(join(dir, `${released.name}.key`), { force: true });
  rmSync(crt, { force: true });
  return true;
}
