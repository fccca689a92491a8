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

/**
 * Who the invoice comes from, as the tenant's clients know it: the tenant's brand (`ctx.branding`,
 * the white-label provider's answer) and its uploaded logo (`ctx.brandLogo`). Only `name` is needed.
 */
export interface PdfTenant {
  name: string;
  colors?: Record<string, string>;
  footer?: string;
  legalLinks?: Array<{ label: string; url: string }>;
  logo?: { contentType: string; data: Uint8Array } | null;
}

/** pdfkit draws PNG and JPEG only; the billing setting's data URI wins over the brand's image. */
function logoBuffer(logo: string | null, brandLogo: PdfTenant['logo']): Buffer | null {
  const m = logo ? /^data:image\/(png|jpeg);base64,(.+)$/.exec(logo) : null;
  if (m) return Buffer.from(m[2]!, 'base64');
  return brandLogo && /^image\/(png|jpeg)$/.test(brandLogo.contentType) ? Buffer.from(brandLogo.data) : null;
}

/** The brand's primary colour when it is a hex value (what pdfkit reads the same as a browser), else black. */
function accentOf(tenant: PdfTenant): string {
  const primary = tenant.colors?.primary;
  return primary && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(primary) ? primary : '#000000';
}

/**
 * Renders an invoice with pdfkit: the seller's header (logo, name, brand colour), client, lines,
 * tax breakdown, totals, and the brand's footer and legal links. The metadata names the seller
 * only: pdfkit's own Producer / Creator ("PDFKit") are replaced, so a reseller's client sees no
 * software name in the document's properties either.
 */
export function renderInvoicePdf(invoice: PdfInvoice, client: PdfClient, tenant: PdfTenant, settings: BillingSettings, locale = 'en-US', compress = true): Promise<Buffer> {
  const seller = settings.companyName ?? tenant.name;
  const title = `${invoice.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${invoice.number ?? '(draft)'}`;
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress, info: { Title: `${title} · ${seller}`, Author: seller, Creator: seller, Producer: seller } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (amount: number) => formatMoney(amount, invoice.currency, locale);

  const accent = accentOf(tenant);
  doc.rect(0, 0, doc.page.width, 12).fill(accent).fillColor('#000000');
  const logo = logoBuffer(settings.logo, tenant.logo);
  if (logo) {
    try {
      doc.image(logo, 50, 45, { fit: [120, 60] });
    } catch {
      // an unreadable logo must not stop the invoice
    }
  }
  doc.fontSize(16).fillColor(accent).text(seller, 300, 50, { align: 'right' }).fillColor('#000000');
  doc.fontSize(9).text(settings.companyAddress ?? '', { align: 'right' });
  if (settings.sellerTaxId) doc.text(`Tax ID: ${settings.sellerTaxId}`, { align: 'right' });

  doc.moveDown(2).fontSize(20).fillColor(accent).text(title, 50).fillColor('#000000');
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
  brandFooter(doc, tenant);
  doc.end();
  return done;
}

/** The brand's footer text and legal links under the totals (plain text: the URLs printed as such). */
function brandFooter(doc: PDFKit.PDFDocument, tenant: PdfTenant): void {
  const lines = [tenant.footer?.trim(), ...(tenant.legalLinks ?? []).map((l) => `${l.label}: ${l.url}`)].filter((l): l is string => Boolean(l));
  if (!lines.length) return;
  if (doc.y > 700) doc.addPage();
  doc.moveDown(2).font('Helvetica').fontSize(8).fillColor('#555555');
  for (const line of lines) doc.text(line, 50, undefined, { width: 495 });
  doc.fillColor('#000000');
}
