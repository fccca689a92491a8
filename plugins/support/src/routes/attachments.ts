import { NotFoundError, type RouteDefinition } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { deskRoute, uuid } from './common.ts';
import { isStaff, visibleTicket } from '../tickets/access.ts';
import type { AttachmentRow } from '../tickets/model.ts';
import { contentDisposition } from '../attachments/policy.ts';
import { localStoreIn } from '../attachments/store.ts';
import { dataDirOf } from '../desk.ts';

/**
 * Serves an attachment to whoever may read its ticket (a client: not one of an internal note), as a
 * download that cannot run in the browser: `Content-Disposition: attachment`, `nosniff`, a content
 * type chosen from the extension when stored, and a sandboxing CSP for good measure.
 */
export function attachmentRoutes(ctx: SupportContext): RouteDefinition[] {
  return [
    deskRoute<{ id: string; attachmentId: string }>(ctx, {
      method: 'GET', path: '/api/v1/tickets/:id/attachments/:attachmentId', permission: 'tickets.read',
      schema: { params: { type: 'object', required: ['id', 'attachmentId'], properties: { id: uuid, attachmentId: uuid } } },
    }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      const q = desk.db('ticket_attachments as a').join('ticket_messages as m', 'm.id', 'a.message_id').where({ 'a.id': req.params.attachmentId, 'a.ticket_id': ticket.id });
      if (!isStaff(p)) q.where('m.internal', false);
      const row = (await q.first('a.*')) as AttachmentRow | undefined;
      if (!row) throw new NotFoundError();
      const store = row.storage === desk.store.kind ? desk.store : localStoreIn(dataDirOf(ctx));
      const content = await store.get(row.storage_key);
      req.response.type = row.content_type;
      Object.assign(req.response.headers, {
        'Content-Disposition': contentDisposition(row.filename),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      });
      return content;
    }),
  ];
}
