import { useToast } from 'primevue/usetoast';
import { downloadInvoicePdf } from './pdf.ts';

/**
 * The "download PDF" action every invoice screen has: fetch the file, and tell the user in a toast
 * when it fails (the button has no other place to show an error).
 */
export function useInvoicePdf(base?: string): (invoice: { id: unknown; number?: unknown }) => Promise<void> {
  const toast = useToast();
  return async (invoice) => {
    try {
      await downloadInvoicePdf(invoice, base);
    } catch (err) {
      toast.add({ severity: 'error', summary: err instanceof Error ? err.message : String(err), life: 5000 });
    }
  };
}
