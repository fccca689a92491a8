/** The billing domain: pure functions, no I/O. Everything money-related is decided here. */
export * from './money.ts';
export * from './dates.ts';
export * from './cycles.ts';
export * from './proration.ts';
export * from './tax.ts';
export * from './invoice.ts';
export * from './coupons.ts';
export * from './numbering.ts';
export * from './ledger.ts';
export * from './dunning.ts';
