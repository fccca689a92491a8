/** The billing API's shapes as the screens use them (plugins/billing/src/services/*). */
export interface InvoiceLine {
  id: string;
  description: string;
  quantity: number;
  unitAmount: number;
  discount: number;
  net: number;
  tax1: number;
  tax2: number;
  total: number;
  periodStart: string | null;
  periodEnd: string | null;
}
export interface Payment {
  id: string;
  gateway: string;
  transactionId: string;
  amount: number;
  refunded: number;
  currency: string;
  paidAt: string | null;
}
export interface Invoice {
  id: string;
  number: string | null;
  /** `credit_note`: a correction of another invoice (it is never credited itself). */
  kind?: 'invoice' | 'credit_note';
  clientId: string;
  status: string;
  currency: string;
  subtotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  taxBreakdown: Array<{ name?: string; rate?: string; amount?: number }>;
  taxNote: string | null;
  issueDate: string | null;
  dueDate: string | null;
  paidAt: string | null;
  items: InvoiceLine[];
  payments: Payment[];
  refunds: Array<{ id: string; amount: number; reason: string | null; gateway: string; createdAt: string }>;
}
export interface Price {
  currency: string;
  cycle: string;
  amount: number;
  setupFee?: number;
}
export interface Product {
  id: string;
  name: string;
  description: string | null;
  type: string;
  pricing: Price[];
  taxable: boolean;
  hidden: boolean;
  retired?: boolean;
}
export interface Client {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  companyName: string | null;
  country: string;
  currency: string;
  notes: string | null;
  status: string;
  creditBalance?: number;
  taxId: string | null;
}
export interface Service {
  id: string;
  clientId: string;
  productId: string;
  status: string;
  cycle: string;
  amount: number;
  currency: string;
  domain: string | null;
  nextDueDate: string | null;
  suspendReason: string | null;
}

export const CYCLES = ['monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially', 'onetime'];
export const clientName = (c: Pick<Client, 'firstName' | 'lastName' | 'companyName'>): string => c.companyName ?? `${c.firstName} ${c.lastName}`;
