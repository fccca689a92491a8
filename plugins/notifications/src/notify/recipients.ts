import type { Knex } from 'knex';

export interface Recipient {
  id: string;
  email: string;
  name: string | null;
  language: string | null;
  clientId: string | null;
}

/**
 * The users a notification goes to: the given ids and the active staff holding `permission` (a
 * super admin holds every permission), all within the transaction's tenant (row-level security).
 */
export async function recipients(db: Knex.Transaction, userIds: string[] = [], permission?: string): Promise<Recipient[]> {
  const q = db('users as u')
    .leftJoin('notification_user_settings as s', 's.user_id', 'u.id')
    .where('u.status', 'active')
    .distinct('u.id', 'u.email', 'u.name', 's.language', 'u.client_id as clientId');
  void q.where((w) => {
    if (userIds.length) void w.orWhereIn('u.id', userIds);
    if (permission) {
      void w.orWhere((staff) => staff.whereNull('u.client_id').whereExists(
        db('user_roles as ur').join('roles as r', 'r.id', 'ur.role_id').whereRaw('ur.user_id = u.id')
          .where((r) => r.where('r.name', 'super_admin').orWhereExists(db('role_permissions as rp').whereRaw('rp.role_id = r.id').where('rp.permission', permission))),
      ));
    }
    if (!userIds.length && !permission) void w.whereRaw('false');
  });
  return (await q) as Recipient[];
}
