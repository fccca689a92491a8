import PDFDocument from 'pdfkit';
import { formatMoney } from '../domain/money.ts';
import { ppmToPercent } from '../domain/tax.ts';
import type { BillingSettings } from '../settings.ts';

export interface PdfInvoice {
  number: string | null;
  kind: string;
  status: string;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  issueDate: string | null;
  dueDate: string | null;
  taxNote: string | null;
  taxBreakdown: unknown[];
  items: Array<{ description: string; quantity: number; unitAmount: number; discount: number; net: number }>;
}

export interface PdfClient {
  firstName: string;
  lastName: string;
  companyName: string | null;
  email: string;
  country: string;
  taxId: string | null;
  address: Record<string, string>;
}

export interface PdfTenant {
  name: string;
}

function logoBuffer(logo: string | null): Buffer | null {
  const m = logo ? /^data:image\/(png|jpeg);base64,(.+)$/.exec(logo) : null;
  return m ? Buffer.from(m[2]!, 'base64') : null;
}

/** Renders an invoice with pdfkit: tenant header and logo, client, lines, tax breakdown, totals. */
export function renderInvoicePdf(invoice: PdfInvoice, client: PdfClient, tenant: PdfTenant, settings: BillingSettings, locale = 'en-US', compress = true): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress, info: { Title: `Invoice ${invoice.number ?? 'draft'}`, Author: settings.companyName ?? tenant.name } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (amount: number) => formatMoney(amount, invoice.currency, locale);

  const logo = logoBuffer(settings.logo);
  if (logo) {
    try {
      doc.image(logo, 50, 45, { fit: [120, 60] });
    } catch {
      // an unreadable logo must not stop the invoice
    }
  }
  doc.fontSize(16).text(settings.companyName ?? tenant.name, 300, 50, { align: 'right' });
  doc.fontSize(9).text(settings.companyAddress ?? '', { align: 'right' });
  if (settings.sellerTaxId) doc.text(`Tax ID: ${settings.sellerTaxId}`, { align: 'right' });

  doc.moveDown(2).fontSize(20).text(`${invoice.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${invoice.number ?? '(draft)'}`, 50);
  doc.fontSize(10).text(`Issued: ${invoice.issueDate ?? '-'}    Due: ${invoice.dueDate ?? '-'}    Status: ${invoice.status}`);

  doc.moveDown().fontSize(11).text('Bill to', { underline: true }).fontSize(10);
  if (client.companyName) doc.text(client.companyName);
  doc.text(`${client.firstName} ${client.lastName}`);
  for (const line of Object.values(client.address ?? {})) if (line) doc.text(line);
  doc.text(`${client.country}${client.taxId ? ` · VAT ${client.taxId}` : ''}`);
  doc.text(client.email);

  doc.moveDown();
  const cols = { desc: 50, qty: 330, unit: 370, amount: 460 };
  const row = (y: number, d: string, q: string, u: string, a: string) => {
    doc.text(d, cols.desc, y, { width: 270 });
    const bottom = doc.y;
    doc.text(q, cols.qty, y, { width: 35, align: 'right' });
    doc.text(u, cols.unit, y, { width: 85, align: 'right' });
    doc.text(a, cols.amount, y, { width: 85, align: 'right' });
    doc.y = Math.max(bottom, doc.y);
  };
  doc.font('Helvetica-Bold');
  row(doc.y, 'Description', 'Qty', 'Unit', 'Amount');
  doc.font('Helvetica');
  for (const item of invoice.items) {
    if (doc.y > 720) doc.addPage();
    const desc = item.discount ? `${item.description} (discount ${money(item.discount)})` : item.description;
    row(doc.y + 4, desc, String(item.quantity), money(item.unitAmount), money(item.net));
  }

  doc.moveDown();
  const total = (label: string, value: string, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const y = doc.y;
    doc.text(label, 300, y, { width: 150, align: 'right' });
    doc.text(value, cols.amount, y, { width: 85, align: 'right' });
  };
  total('Subtotal', money(invoice.subtotal));
  for (const t of invoice.taxBreakdown as Array<{ name: string; ratePpm: number; amount: number }>) total(`${t.name} ${ppmToPercent(t.ratePpm)}%`, money(t.amount));
  total('Total', money(invoice.total), true);
  if (invoice.amountPaid) total('Paid', money(invoice.amountPaid));
  total('Amount due', money(invoice.amountDue), true);
  if (invoice.taxNote) doc.moveDown().font('Helvetica-Oblique').text(invoice.taxNote, 50);
  doc.end();
  return done;
}
