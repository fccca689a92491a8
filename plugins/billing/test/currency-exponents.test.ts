import assert from 'node:assert/strict';
import { CURRENCY_CODES, parseMoney } from '@mpanel/sdk';
import { money, toMinor, fromMinor } from '@mpanel/sdk/ui/vue/format.ts';
import { renderInstructions } from '../../gateway-manual/src/confirm.ts';
import { renderInvoicePdf, type PdfInvoice } from '../src/pdf/invoice-pdf.ts';
import { withDefaults } from '../src/settings.ts';
import { pdfText } from './support/pdf-text.ts';

/**
 * ISO 4217 minor units, written out here as the oracle (not read from the code under test). Intl's
 * display digits disagree for 17 of them (HUF, IDR, COP, PKR... display 0 digits but have 2; IQD
 * has 3), which made a HUF invoice read 100× too large in the admin and on bank-transfer instructions.
 */
const ISO_EXPONENT_NOT_2: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};
const exponentOf = (code: string) => ISO_EXPONENT_NOT_2[code] ?? 2;
const AMOUNT = 123_456_789; // minor units

/** The amount as digits with the currency's ISO decimals, grouped the way `locale` groups them. */
const digits = (locale: string | undefined, code: string) => {
  const e = exponentOf(code);
  return new Intl.NumberFormat(locale, { minimumFractionDigits: e, maximumFractionDigits: e }).format(AMOUNT / 10 ** e);
};
const major = (code: string) => {
  const e = exponentOf(code);
  return (AMOUNT / 10 ** e).toFixed(e);
};

/** The text a pdfkit page shows: strings are written as hex (`<48656c6c6f> Tj`). */
function invoiceIn(currency: string): PdfInvoice {
  return {
    number: 'INV-1', kind: 'invoice', status: 'unpaid', currency, subtotal: AMOUNT, tax: 0, total: AMOUNT, amountPaid: 0, amountDue: AMOUNT,
    issueDate: '2026-01-01', dueDate: '2026-01-15', taxNote: null, taxBreakdown: [],
    items: [{ description: 'Hosting', quantity: 1, unitAmount: AMOUNT, discount: 0, net: AMOUNT }],
  };
}
const client = { firstName: 'A', lastName: 'B', companyName: null, email: 'a@b.test', country: 'NL', taxId: null, address: {} };

describe('every ISO 4217 currency: one exponent in the admin UI, the server and the PDF', function () {
  this.timeout(120_000);

  it('knows every ISO 4217 currency Intl knows (withdrawn HRK and the units without minor units aside)', () => {
    const missing = Intl.supportedValuesOf('currency').filter((c) => !CURRENCY_CODES.includes(c) && !['HRK', 'XDR', 'XSU'].includes(c));
    assert.deepEqual(missing, []);
    for (const code of Object.keys(ISO_EXPONENT_NOT_2)) assert.ok(CURRENCY_CODES.includes(code), code);
  });

  it('formats, parses and round-trips each currency in the admin UI with its ISO decimals', () => {
    for (const code of CURRENCY_CODES) {
      assert.ok(money(AMOUNT, code).includes(digits(undefined, code)), `${code}: ${money(AMOUNT, code)} shows ${digits(undefined, code)}`);
      assert.equal(fromMinor(AMOUNT, code), major(code), code);
      assert.equal(toMinor(major(code), code), AMOUNT, `${code}: a typed price is stored as it was typed`);
    }
    assert.ok(money(150_000, 'HUF').includes('1,500.00') || money(150_000, 'HUF').includes('1500,00') || money(150_000, 'HUF').includes('1 500,00'), money(150_000, 'HUF'));
    assert.ok(Number.isNaN(toMinor('1.5', 'JPY')), 'more decimals than the currency has is not an amount');
  });

  it('parses on the server and asks for the right amount in bank-transfer instructions', () => {
    for (const code of CURRENCY_CODES) {
      assert.equal(parseMoney(major(code), code), AMOUNT, code);
      assert.equal(renderInstructions('{amount} {currency}', { number: 'INV-1', amountDue: AMOUNT, currency: code }), `${major(code)} ${code}`);
    }
  });

  it('prints each currency on the invoice PDF with its ISO decimals', async () => {
    const settings = withDefaults({ companyName: 'Hosting' });
    for (const code of CURRENCY_CODES) {
      const text = pdfText(await renderInvoicePdf(invoiceIn(code), client, { name: 'T' }, settings, 'en-US', false));
      assert.ok(text.includes(digits('en-US', code)), `${code}: the PDF shows ${digits('en-US', code)}`);
    }
  });
});
