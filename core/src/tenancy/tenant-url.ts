import type { Knex } from 'knex';

/**
 * Where a tenant's clients reach the panel (`ctx.tenantUrl`): its first verified custom domain, so
 * links in its mails and documents never point at the platform's host; a pending claim does not
 * count (it serves nothing). The platform URL's scheme and port carry over (a test server's
 * `http://…:port`; production is https on 443). Without a verified domain: the platform URL.
 */
export async function tenantUrl(db: Knex | Knex.Transaction, tenantId: string, publicUrl: string | undefined): Promise<string | null> {
  const row = (await db('tenant_domains').where({ tenant_id: tenantId, status: 'verified' })
    .orderBy([{ column: 'verified_at' }, { column: 'domain' }]).first('domain')) as { domain: string } | undefined;
  const platform = publicUrl ? new URL(publicUrl) : null;
  if (!row) return platform ? platform.origin : null;
  const url = new URL(`${platform?.protocol ?? 'https:'}//${row.domain.toLowerCase()}`);
  if (platform?.port) url.port = platform.port;
  return url.origin;
}
