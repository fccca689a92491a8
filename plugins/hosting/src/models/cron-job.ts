import { AccountResource } from './account-resource.ts';

export class CronJob extends AccountResource {
  static override tableName = 'cron_jobs';
  schedule!: string;
  command!: string;
}
