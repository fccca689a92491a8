import { AccountResource } from './account-resource.ts';

export class SftpUser extends AccountResource {
  static override tableName = 'sftp_users';
  username!: string;
  /** argon2id; null = keys only. */
  passwordHash!: string | null;
  authorizedKeys!: string[];
}
