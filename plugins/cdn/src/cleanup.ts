import { extensionPoints, type PluginContext } from '@mpanel/sdk';
import { EVENTS, type CdnSettings } from './manifest.ts';
import { patchSite, sites, type CdnSiteRow } from './store.ts';

/** What hosting's `provisioning.succeeded` carries (its payload, read by name: nothing of hosting is imported). */
interface ProvisioningOutcome {
  operationId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  accountId: string | null;
}

/**
 * A website removed from its server (or its account terminated) leaves the CDN: the provider stops
 * proxying its hostname and the row becomes `disabled`. A provider failure fails the delivery, which
 * is retried with backoff; the rows are changed only once the provider has done it.
 */
export function followWebsiteRemovals(plugin: PluginContext<CdnSettings>): void {
  plugin.events.subscribe<ProvisioningOutcome>('provisioning.succeeded', async (event, h) => {
    const p = event.payload;
    if (!event.tenantId || !p) return;
    const q = sites(h.trx).whereIn('status', ['pending', 'active', 'paused', 'error']);
    if (p.subjectType === 'site' && p.action === 'resource.remove') q.where({ website_id: p.subjectId });
    else if (p.subjectType === 'account' && p.action === 'terminate' && p.accountId) q.where({ account_id: p.accountId });
    else return;
    const rows = (await q.forUpdate()) as CdnSiteRow[];
    for (const row of rows) {
      const provider = plugin.extensions.get(extensionPoints.cdn, row.provider);
      if (row.provider_site_id && provider) await provider.deleteSite({ tenantId: event.tenantId, settings: {} }, row.provider_site_id);
      const saved = await patchSite(h.trx, row.id, { status: 'disabled', status_detail: p.subjectType === 'site' ? 'The website was removed' : 'The hosting account was terminated', checked_at: new Date() });
      await plugin.events.emit(EVENTS.disabled, { cdnSiteId: saved.id, websiteId: saved.website_id, hostname: saved.hostname, provider: saved.provider, reason: p.subjectType === 'site' ? 'website-removed' : 'account-terminated' }, { trx: h.trx, tenantId: event.tenantId });
    }
  }, { timeoutMs: 60_000 });
}
