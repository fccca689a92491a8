import type { DomainEvent } from '@mpanel/sdk';
import type { Plugin } from '../routes/common.ts';
import { formatMoney } from '../domain/money.ts';

interface InvoicePaid {
  number?: string;
  total?: number;
  currency?: string;
}

/** Who hears about money coming in: the staff who can record payments (never a client's portal). */
const STAFF_PERMISSION = 'payments.record';

/**
 * A toast for signed-in staff when an invoice is paid, whichever way it was paid (by hand, a
 * gateway webhook, a saved card in the billing run). A push is best-effort and not part of the
 * event's transaction: a redelivered event may show it twice, which is harmless.
 */
export function registerStaffNotifications(plugin: Plugin): void {
  plugin.events.subscribe<InvoicePaid>('invoice.paid', (event: DomainEvent<InvoicePaid>) => {
    if (!event.tenantId) return;
    const { number = '', total, currency } = event.payload;
    plugin.realtime.toPermission(event.tenantId, STAFF_PERMISSION).emit('notification', {
      severity: 'success',
      summary: `Invoice ${number} paid`,
      ...(typeof total === 'number' && currency ? { detail: formatMoney(total, currency) } : {}),
    });
  });
}
