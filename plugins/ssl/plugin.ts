import { fileURLToPath } from 'node:url';
import { definePlugin, notificationsRef } from '@mpanel/sdk';
import { ISSUE_JOB, SWEEP_JOB, runIssue, sweepTenant } from './src/certificates.ts';
import { manifest } from './src/manifest.ts';
import { certificateRoutes } from './src/routes.ts';
import type { SslSettings } from './src/settings.ts';
import { EXPIRING_TEMPLATE } from './src/templates.ts';

/**
 * SSL (issue 17, part 3): ACME certificates for websites (http-01 through hosting's `hosting.sites`
 * and the server's agent) and for wildcards or names without a site (dns-01 through `dns.zones`).
 * Issuance runs as a job; a per-minute sweep renews at ⅔ of the lifetime, retries failures with a
 * 1 h … 24 h back-off and alerts staff and client once less than a sixth of the lifetime is left.
 */
export default definePlugin<SslSettings>({
  directory: fileURLToPath(new URL('.', import.meta.url)),
  manifest,
  register(ctx) {
    const issued = ctx.metrics.counter({ name: 'issuances_total', help: 'ACME orders finished, by result and challenge type', labelNames: ['result', 'challenge'] });
    const health = ctx.metrics.gauge({ name: 'certificates', help: 'Certificates by health (failing, renewal_failing, expiring, expired, ok, pending) per tenant, as of the last sweep', labelNames: ['tenant', 'health'] });
    const deps = { plugin: ctx, metrics: { issued: (result: 'ok' | 'failed', challenge: string) => issued.inc({ result, challenge }) } };

    for (const route of certificateRoutes(ctx)) ctx.routes.add(route);

    ctx.jobs.define<{ certificateId: string }>(ISSUE_JOB, async (job) => {
      if (!job.tenantId) return;
      await runIssue(deps, job.tenantId, job.data.certificateId, job.signal);
    }, { attempts: 2, backoffMs: 30_000, timeoutMs: 10 * 60_000 });

    ctx.jobs.define(SWEEP_JOB, async () => {
      await ctx.forEachTenant(async (tenant) => {
        const { counts } = await sweepTenant(deps, tenant.id);
        for (const [name, value] of Object.entries(counts)) if (name !== 'total') health.set({ tenant: tenant.id, health: name }, value);
      });
    });
    ctx.jobs.schedule(SWEEP_JOB, '* * * * *');

    const notifications = ctx.services.tryResolve(notificationsRef);
    if (notifications) {
      notifications.registerTemplate(EXPIRING_TEMPLATE);
      notifications.registerType({ type: 'ssl.certificate.expiring', description: 'An SSL certificate has less than a sixth of its lifetime left (or expired)', defaults: { inApp: true, mail: true } });
      notifications.registerType({ type: 'ssl.certificate.failed', description: 'Issuing or renewing an SSL certificate failed', defaults: { inApp: true, mail: false } });
    }
  },
});
