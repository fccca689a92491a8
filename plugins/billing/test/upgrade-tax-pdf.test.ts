import assert from 'node:assert/strict';
import { BillingHarness } from './support/harness.ts';
import { client, order, product } from './support/fixtures.ts';
import { recordPayment } from '../src/services/payments.ts';
import { creditBalance } from '../src/services/clients.ts';
import { getInvoice } from '../src/services/invoices.ts';
import { getServiceRow, upgradeService } from '../src/services/services.ts';
import { isoDate } from '../src/db.ts';
import { renderInvoicePdf } from '../src/pdf/invoice-pdf.ts';
import { withDefaults } from '../src/settings.ts';

describe('billing: upgrades, taxes and PDF', function () {
  this.timeout(60_000);
  let h: BillingHarness;
  before(async () => { h = await new BillingHarness().start(); });
  after(async () => { await h.stop(); });

  async function paidService(t: string, productId: string, clientId: string, date: string) {
    const placed = await order(h, t, { clientId, items: [{ productId, cycle: 'monthly' }] }, date);
    await h.as(t, null, (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: placed.invoice.total, gateway: 'manual', transactionId: `p-${placed.invoice.id}` }), date);
    return placed.services[0]!.id;
  }

  it('an upgrade halfway invoices the prorated difference; a downgrade credits the surplus', async () => {
    const t = await h.tenant();
    const c = await client(h, t);
    const small = await product(h, t, { pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] });
    const big = await product(h, t, { name: 'Big', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 3000 }] });
    const id = await paidService(t, small.id, c.id, '2026-04-01'); // period Apr 1 – May 1, 30 days
    const up = await h.as(t, h.staff(t), (b) => upgradeService(b, id, { productId: big.id, cycle: 'monthly' }), '2026-04-16');
    assert.deepEqual([up.proration.credit, up.proration.charge, up.proration.amountDue], [500, 1500, 1000]);
    const inv = await h.as(t, h.staff(t), (b) => getInvoice(b, up.invoiceId!));
    assert.deepEqual([inv.total, inv.items[0]!.kind], [1000, 'upgrade']);
    assert.deepEqual([up.pending, up.service.amount, up.service.productId], [true, 1000, small.id], 'the new plan waits for its invoice');
    await h.as(t, null, (b) => recordPayment(b, { invoiceId: up.invoiceId!, amount: 1000, gateway: 'manual', transactionId: `up-${id}` }), '2026-04-16');
    const upgraded = await h.as(t, h.staff(t), (b) => getServiceRow(b, id));
    assert.deepEqual([Number(upgraded.amount), upgraded.product_id], [3000, big.id]);
    assert.equal(isoDate(upgraded.next_due_date), '2026-05-01', 'the due date does not move');

    const down = await h.as(t, h.staff(t), (b) => upgradeService(b, id, { productId: small.id, cycle: 'monthly' }), '2026-04-16');
    assert.deepEqual([down.proration.amountDue, down.proration.creditToBalance, down.invoiceId], [0, 1000, null]);
    assert.equal(await h.as(t, h.staff(t), (b) => creditBalance(b, c.id)), 1000);
    assert.equal(h.events('service.upgraded').length >= 2, true);
  });

  it('charges VAT at home, none under EU reverse charge, and compounds Quebec’s QST on GST', async () => {
    const t = await h.tenant({ sellerCountry: 'DE' });
    await h.knex('tax_rules').insert([
      { tenant_id: t, name: 'MwSt', country: 'DE', rate_ppm: 190_000, level: 1 },
      { tenant_id: t, name: 'TVA', country: 'FR', rate_ppm: 200_000, level: 1 },
      { tenant_id: t, name: 'GST', country: 'CA', rate_ppm: 50_000, level: 1 },
      { tenant_id: t, name: 'QST', country: 'CA', state: 'QC', rate_ppm: 99_750, level: 2, compound: true },
    ]);
    const p = await product(h, t, { pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 10_000 }, { currency: 'CAD', cycle: 'monthly', amount: 10_000 }] });
    const buy = async (input: Parameters<typeof client>[2]) => {
      const c = await client(h, t, input);
      return (await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] })).invoice;
    };
    const home = await buy({ country: 'DE', currency: 'EUR' });
    assert.deepEqual([home.subtotal, home.tax, home.total], [10_000, 1900, 11_900]);
    const b2b = await buy({ country: 'FR', currency: 'EUR', companyName: 'Acme SARL', taxId: 'FR12345678901' });
    assert.deepEqual([b2b.tax, b2b.total], [0, 10_000]);
    assert.match(b2b.taxNote ?? '', /Reverse charge/);
    const consumer = await buy({ country: 'FR', currency: 'EUR' });
    assert.deepEqual([consumer.tax, consumer.total], [2000, 12_000], 'no VAT number: French VAT applies');
    const exempt = await buy({ country: 'DE', currency: 'EUR', taxExempt: true });
    assert.equal(exempt.tax, 0);
    const quebec = await buy({ country: 'CA', state: 'QC', currency: 'CAD' });
    assert.deepEqual([quebec.tax, quebec.total], [500 + 1047, 11_547]);
    assert.deepEqual((quebec.taxBreakdown as Array<{ name: string; amount: number }>).map((x) => [x.name, x.amount]), [['GST', 500], ['QST', 1047]]);
    for (const inv of [home, b2b, consumer, exempt, quebec]) {
      assert.equal(inv.total, inv.subtotal + inv.tax);
      assert.equal(inv.total, inv.items.reduce((s, i) => s + i.total, 0));
    }
  });

  it('renders an invoice PDF with the tenant, the lines and the amounts', async () => {
    const t = await h.tenant({ companyName: 'Hosting GmbH', companyAddress: 'Hauptstr. 1, Berlin' });
    const c = await client(h, t, { country: 'DE', currency: 'EUR', companyName: 'Kunde AG' });
    const p = await product(h, t);
    const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] });
    const pdf = await renderInvoicePdf(placed.invoice, c, { name: 'Tenant' }, withDefaults({ companyName: 'Hosting GmbH' }), 'de-DE', false);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    // pdfkit writes shown text as hex strings (`<48656c6c6f> Tj`); decode them to read the page
    const raw = pdf.toString('latin1');
    // WinAnsi: latin1 except 0x80 = € (Node's TextDecoder treats windows-1252 as latin1)
    const text = [...raw.matchAll(/<([0-9a-fA-F]+)>/g)].map((m) => Buffer.from(m[1]!, 'hex').toString('latin1').replace(/\x80/g, '€')).join('') + raw;
    assert.match(text, /Hosting GmbH/);
    assert.match(text, new RegExp(placed.invoice.number!));
    assert.match(text, /9,00\s?€/u, 'amounts formatted for EUR in de-DE');
    assert.match(text, /Kunde AG/);
    assert.match(text, /Web Hosting/);
  });
});
