/**
 * Billing's texts (English is the source locale), added to the host's messages at setup: screens
 * read them with `t('billing.…')`, the host's menu its `nav.*` labels.
 */
export const en = {
  nav: {
    billing: 'Billing', clients: 'Clients', products: 'Products', orders: 'Orders', invoices: 'Invoices', services: 'Services',
    coupons: 'Coupons', 'tax-rules': 'Tax rules', billingRun: 'Run billing',
    portalInvoices: 'Invoices', portalServices: 'Services', portalOrder: 'Order',
  },
  dashboard: { revenue: 'Revenue this month', mrr: 'Monthly recurring revenue', unpaid: 'Unpaid invoices', overdue: 'Overdue invoices', activeServices: 'Active services' },
  portal: {
    openInvoices: 'Open invoices', balance: 'Amount due', invoices: 'Your invoices', services: 'Your services', download: 'Download PDF',
    credit: 'Credit balance', activeServices: 'Active services', order: 'Order a service', ordered: 'Order placed: here is its invoice.',
    pay: 'Pay', payWith: 'Pay with {name}', payNow: 'Pay now', paid: 'Thank you: the payment was received.', payPending: 'The payment is being processed.',
    noGateways: 'No online payment method is available; contact us to pay.', cardLoading: 'Loading the payment form…', cardFailed: 'The payment form could not be loaded: {error}',
  },
  billing: {
    overview: 'Overview',
    logInAsClient: 'Log in as client', noPortalLogin: 'This client has no portal login.',
    popupBlocked: 'The browser blocked the new tab: allow pop-ups for this site and try again.',
    clients: 'Clients', products: 'Products', orders: 'Orders', invoices: 'Invoices', services: 'Services',
    name: 'Name', email: 'Email', company: 'Company', country: 'Country', number: 'Number', status: 'Status', total: 'Total', due: 'Due', amountDue: 'Amount due',
    type: 'Type', cycle: 'Cycle', amount: 'Amount', nextDue: 'Next due', created: 'Created', client: 'Client', product: 'Product',
    coupons: 'Coupons', taxRules: 'Tax rules', newClient: 'New client', newProduct: 'New product', editProduct: 'Edit product', newOrder: 'Place an order',
    newCoupon: 'New coupon', newTaxRule: 'New tax rule', firstName: 'First name', lastName: 'Last name', currency: 'Currency', taxId: 'Tax ID',
    portalPassword: 'Portal password', portalPasswordHint: 'Optional: gives the client a portal login (at least 8 characters).',
    code: 'Code', value: 'Value', recurring: 'Recurring', uses: 'Uses', maxUses: 'Maximum uses', expires: 'Expires', state: 'State / region',
    rate: 'Rate (%)', level: 'Level', compound: 'Compound', couponValueHint: 'Percent points, or an amount for a fixed coupon.',
    couponCurrencyHint: 'Required for a fixed coupon.', taxCountryHint: 'ISO code; empty for every country.',
    credit: 'Credit balance', notes: 'Notes', description: 'Description', quantity: 'Qty', unitPrice: 'Unit price', tax: 'Tax', subtotal: 'Subtotal',
    lines: 'Invoice lines', payments: 'Payments', noPayments: 'No payments yet.', paidAt: 'Paid', gateway: 'Gateway', reference: 'Reference',
    refunded: 'Refunded', refunds: 'Refunds', issued: 'Issued', invoice: 'Invoice', recordPayment: 'Record payment', refund: 'Refund',
    creditNote: 'Issue credit note', creditNoteIssued: 'Credit note {number} issued: {applied} off the amount due, {credit} to the client\'s credit.',
    openCreditNote: 'Open the credit note',
    reason: 'Reason', gatewayHint: 'How it was paid: bank-transfer, cheque, cash, …', taxable: 'Taxable', hidden: 'Hidden from the catalogue',
    prices: 'Prices', setupFee: 'Setup fee', addPrice: 'Add a price', removePrice: 'Remove price', badAmount: 'Enter an amount such as 12.50',
    domain: 'Domain (optional)', coupon: 'Coupon code (optional)', placeOrder: 'Place order', noProducts: 'No products on sale yet.',
    service: 'Service', confirmTerminate: 'Terminate this service? This cannot be undone.',
    action: { suspend: 'Suspend', unsuspend: 'Unsuspend', terminate: 'Terminate', upgrade: 'Upgrade / downgrade' },
    done: { suspend: 'Service suspended', unsuspend: 'Service unsuspended', terminate: 'Service terminated', upgrade: 'Service changed',
      upgradePending: 'Plan change invoiced: it takes effect when the invoice is paid' },
    run: 'Run billing', runHelp: 'Creates renewal invoices, sends reminders, adds late fees and suspends overdue services. Running it twice for the same date changes nothing.',
    runDate: 'Billing date', runDateHint: 'Empty for today.', runNow: 'Run billing now', running: 'Billing is running…', runResult: 'Result',
    runningStep: 'Billing is running: {step}, {invoices} invoices created so far…',
    runStep: { invoices: 'creating renewal invoices', dunning: 'reminders and late fees', done: 'finishing' },
    runForce: 'Force this date', runForceHint: 'Needed for a date outside the window your billing settings allow (billingRunDateWindowDays).',
    runPreview: 'Preview (dry run)', runPreviewResult: 'Preview: what the run would do',
    runPreviewHelp: 'Nothing was written, mailed or charged. Saved cards are not charged in a preview.',
    preview: {
      invoice: 'Invoice {number}: {total}, due {dueDate}', reminder: 'Reminder for invoice {number}, due {dueDate}', overdue: 'Overdue notice for invoice {number} ({total})',
      kind: {
        invoice_created: 'Invoices', invoice_reminder: 'Reminders', invoice_overdue: 'Overdue notices', service_suspended: 'Suspensions',
        service_terminated: 'Terminations', service_cancelled: 'Cancellations', order_cancelled: 'Orders cancelled',
      },
    },
  },
};
