import type { PluginContext, RouteDefinition } from '@mpanel/sdk';
import { serverGroupRoutes } from './server-groups.ts';
import { grantRoutes } from './grants.ts';
import { serverRoutes } from './servers.ts';
import { serverModuleRoutes } from './server-module.ts';
import { planRoutes } from './plans.ts';
import { accountRoutes } from './accounts.ts';
import { operationRoutes } from './operations.ts';
import { accountResourceRoutes } from './account-resources.ts';
import { mailSendingRoute, mailUsageRoute } from './mail-sending.ts';
import { websiteSpec } from '../resources/website.ts';
import { databaseSpec } from '../resources/database.ts';
import { sftpUserSpec } from '../resources/sftp-user.ts';
import { cronJobSpec } from '../resources/cron-job.ts';
import { mailAliasSpec, mailboxSpec, mailDomainSpec } from '../resources/mail.ts';

/** Every route of the hosting plugin (admin and portal: the ownership rule decides what a client sees). */
export function hostingRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    ...serverGroupRoutes(plugin),
    ...grantRoutes(plugin),
    ...serverRoutes(plugin),
    ...serverModuleRoutes(plugin),
    ...planRoutes(plugin),
    ...accountRoutes(plugin),
    ...operationRoutes(plugin),
    ...accountResourceRoutes(plugin, websiteSpec),
    ...accountResourceRoutes(plugin, databaseSpec),
    ...accountResourceRoutes(plugin, sftpUserSpec),
    ...accountResourceRoutes(plugin, cronJobSpec),
    ...accountResourceRoutes(plugin, mailDomainSpec),
    ...accountResourceRoutes(plugin, mailboxSpec),
    ...accountResourceRoutes(plugin, mailAliasSpec),
    mailSendingRoute(plugin),
    mailUsageRoute(plugin),
  ];
}
