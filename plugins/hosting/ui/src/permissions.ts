/**
 * The hosting API's permissions, by what they allow (plugins/hosting/src/manifest.ts). Menus,
 * routes and buttons name them from here, so a renamed permission is one edit.
 */
export const P = {
  serversRead: 'servers.read',
  serversWrite: 'servers.write',
  groupsRead: 'server-groups.read',
  groupsWrite: 'server-groups.write',
  plansRead: 'hosting-plans.read',
  plansWrite: 'hosting-plans.write',
  accountsRead: 'hosting-accounts.read',
  accountsWrite: 'hosting-accounts.write',
  accountsSso: 'hosting-accounts.sso',
  importsRun: 'hosting-imports.run',
  operationsRead: 'provisioning.read',
  operationsManage: 'provisioning.manage',
  websitesRead: 'websites.read',
  websitesWrite: 'websites.write',
  databasesRead: 'databases.read',
  databasesWrite: 'databases.write',
  sftpRead: 'sftp-users.read',
  sftpWrite: 'sftp-users.write',
  cronRead: 'cron-jobs.read',
  cronWrite: 'cron-jobs.write',
} as const;
