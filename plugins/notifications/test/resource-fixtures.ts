import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * One record of each notifications resource a route takes by id: a template the tenant edited
 * (its key), a mail in the log (a test send), and a notification of one of the tenant's users.
 */
export default defineResourceFixtures(async ({ request, transaction, tenantId, ids }) => {
  await request('PUT', '/api/v1/mail-templates/notifications.notice', { language: 'en', subject: 'Walked {{title}}', html: '<p>{{title}}</p>', text: '{{title}}' });
  const sent = await request<{ mailLogId: string }>('POST', '/api/v1/mail-templates/notifications.notice/test', { language: 'en', to: 'walker@example.test' });
  const notificationId = await transaction(async (trx) => {
    const [row] = (await trx('notifications').insert({ tenant_id: tenantId, user_id: ids.users, type: 'notifications.walked', title: 'Walked' }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  return { 'mail-templates': 'notifications.notice', 'mail-log': sent.mailLogId, notifications: notificationId };
});
