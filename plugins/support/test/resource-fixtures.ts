import { defineResourceFixtures } from '@mpanel/sdk/testing';
import { kbFixtures } from './kb/resource-fixtures.ts';

/**
 * One real record of every support resource a route takes by id, made through support's own API:
 * a department, a canned reply, and a ticket of billing's walked client with a staff reply and an
 * attachment (so `/tickets/:id/attachments/:attachmentId` is walked with a file that exists); then
 * the knowledge base's and announcements' records.
 */
export default defineResourceFixtures(async (context) => {
  const { request, ids } = context;
  const department = await request<{ id: string }>('POST', '/api/v1/ticket-departments', { name: 'Walked department', email: 'walked-desk@walk-a.test' });
  const canned = await request<{ id: string }>('POST', '/api/v1/canned-replies', { title: 'Walked', body: 'Hello {{client.name}}' });
  const ticket = await request<{ id: string }>('POST', '/api/v1/tickets', {
    departmentId: department.id, clientId: ids.clients, subject: 'Walked ticket', body: 'Walked question',
    attachments: [{ filename: 'walked.txt', contentBase64: Buffer.from('walked file').toString('base64') }],
  });
  await request('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Walked staff reply' });
  const full = await request<{ messages: Array<{ attachments: Array<{ id: string }> }> }>('GET', `/api/v1/tickets/${ticket.id}`);
  return {
    'ticket-departments': department.id,
    'canned-replies': canned.id,
    tickets: ticket.id,
    attachments: full.messages[0]!.attachments[0]!.id,
    ...(await kbFixtures(context)),
  };
});
