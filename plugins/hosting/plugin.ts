import { definePlugin, hostingSitesRef } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { hostingRoutes } from './src/routes/index.ts';
import { registerProvisioning } from './src/provisioning/register.ts';
import { registerImport } from './src/import/job.ts';
import { createHostingSitesService } from './src/sites-service.ts';

/**
 * Hosting: servers and groups, reseller grants, plans, hosting accounts and what lives in them
 * (websites, databases, SFTP users, cron), and the provisioning operations that make servers match.
 * The engine that runs operations lives in src/provisioning/.
 */
export default definePlugin({
  manifest,
  register(ctx) {
    for (const route of hostingRoutes(ctx)) ctx.routes.add(route);
    registerProvisioning(ctx);
    registerImport(ctx);
    // For certificate plugins (ssl): find a site by name, ACME http-01 tokens, install a certificate.
    ctx.services.provide(hostingSitesRef, createHostingSitesService(ctx));
  },
});
