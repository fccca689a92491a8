import { AccountResource } from './account-resource.ts';

/** A database and its user; the password is never stored (shown once at creation or reset). */
export class HostingDatabase extends AccountResource {
  static override tableName = 'hosting_databases';
  engine!: 'mariadb' | 'postgresql';
  name!: string;
  dbUser!: string;
  host!: string;
  maxConnections!: number | null;
}
