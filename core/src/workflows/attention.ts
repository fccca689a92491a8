import type { RootContainer } from '../container.ts';
import type { RoleStamp } from '../identity/roles/role-permissions.ts';
import { permissionRoom } from '../realtime/realtime-hub.ts';
import type { ResolvedWorkflow } from './definitions.ts';
import type { RunRow } from './run-store.ts';

export const ATTENTION_EVENT = 'workflow.needs_attention';

/** The tenant's active users who hold `permission` through their roles. */
async function holders(container: RootContainer, tenantId: string, permission: string): Promise<Array<{ id: string; email: string }>> {
  const { knex, rolePermissions } = container.cradle;
  const res = await knex.raw(
    `select u.id, u.email, json_agg(json_build_object('id', r.id, 'name', r.name, 'level', r.level, 'system', r.is_system, 'version', r.version)) as roles
     from users u join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
     where u.tenant_id = ? and u.status = 'active' group by u.id, u.email`,
    [tenantId],
  );
  const users = res.rows as Array<{ id: string; email: string; roles: RoleStamp[] | string }>;
  const found = [];
  for (const u of users) {
    const roles = typeof u.roles === 'string' ? (JSON.parse(u.roles) as RoleStamp[]) : u.roles;
    if ((await rolePermissions.union(roles)).has(permission)) found.push({ id: u.id, email: u.email });
  }
  return found;
}

/**
 * A run stopped for a person: a realtime push to the sockets holding the workflow's attention
 * permission and a mail to each holder, once per incident (`notified_at`, cleared by retry).
 */
export async function notifyNeedsAttention(container: RootContainer, run: RunRow, def: ResolvedWorkflow): Promise<void> {
  const { knex, realtime, mail, logger } = container.cradle;
  const [claimed] = (await knex('workflow_runs').where({ id: run.id }).whereNull('notified_at').update({ notified_at: new Date() }).returning('notified_at')) as Array<{ notified_at: Date }>;
  if (!claimed) return;
  const notice = { id: run.id, name: run.name, subject: run.subject, error: run.last_error };
  realtime.emit(permissionRoom(run.tenant_id, def.attentionPermission), ATTENTION_EVENT, notice);
  const incident = new Date(claimed.notified_at).getTime();
  for (const user of await holders(container, run.tenant_id, def.attentionPermission)) {
    await mail
      .send(
        {
          to: user.email,
          subject: `Workflow ${run.name} needs attention${run.subject ? ` (${run.subject})` : ''}`,
          text: `The workflow run ${run.id} (${run.name}${run.subject ? `, ${run.subject}` : ''}) stopped and needs a person.\n\nLast error: ${run.last_error ?? 'none'}\n\nRetry or cancel it on the Workflows page.`,
          idempotencyKey: `workflow:${run.id}:attention:${incident}:${user.id}`,
        },
        { tenantId: run.tenant_id },
      )
      .catch((err: unknown) => logger.error({ err, runId: run.id }, 'could not queue the needs-attention mail'));
  }
}
