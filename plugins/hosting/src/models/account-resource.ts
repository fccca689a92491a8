import { HostingModel } from './base.ts';

export type ResourceState = 'creating' | 'active' | 'suspended' | 'removing' | 'removed' | 'failed';

/** A row that lives inside a hosting account (site, database, SFTP user, cron job). */
export class AccountResource extends HostingModel {
  accountId!: string;
  state!: ResourceState;
}
