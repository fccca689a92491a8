import { api } from '@mpanel/sdk/ui/vue';

/**
 * Opens an invoice's PDF. The API wants the bearer token, so a plain link would not do: the file
 * is fetched and handed to the browser as a download. `base` is the invoices' route: the
 * tenant's own (`/invoices`) or the wholesale account's (`/wholesale-invoices`).
 */
export async function downloadInvoicePdf(invoice: { id: unknown; number?: unknown }, base = '/invoices'): Promise<void> {
  const res = await api.request<Response>('GET', `${base}/${String(invoice.id)}/pdf`, { raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: `${String(invoice.number ?? invoice.id)}.pdf` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
