import { AccountResource } from './account-resource.ts';

export class Website extends AccountResource {
  static override tableName = 'websites';
  domain!: string;
  aliases!: string[];
  docroot!: string;
  phpVersion!: string | null;
  redirectHttps!: boolean;
  certificateId!: string | null;
}
