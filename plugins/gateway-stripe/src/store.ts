import type { Knex } from 'knex';

/**
 * The gateway's tables, always through a connection bound to one tenant: every query filters on
 * `tenant_id` and every insert sets it (row-level security underneath is the second lock).
 */
export interface IntentRow {
  id: string;
  invoice_id: string;
  client_id: string | null;
  payment_intent_id: string;
  amount: number;
  currency: string;
  kind: 'checkout' | 'off_session';
  attempt: number;
  status: string;
  last_error: string | null;
  payment_recorded_at: Date | null;
  created_at: Date;
}

export interface PaymentMethodRow {
  id: string;
  client_id: string;
  stripe_payment_method_id: string;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  is_default: boolean;
}

export class StripeStore {
  constructor(
    readonly db: Knex | Knex.Transaction,
    readonly tenantId: string,
  ) {}

  private table(name: string): Knex.QueryBuilder {
    return this.db(name).where(`${name}.tenant_id`, this.tenantId);
  }

  // ---- customers ----

  async customerId(clientId: string): Promise<string | undefined> {
    const row = await this.table('stripe_customers').where({ client_id: clientId }).first('stripe_customer_id');
    return row?.stripe_customer_id;
  }

  async clientIdOfCustomer(customerId: string): Promise<string | undefined> {
    const row = await this.table('stripe_customers').where({ stripe_customer_id: customerId }).first('client_id');
    return row?.client_id;
  }

  /** Keeps the first mapping if two requests raced to create the customer. */
  async saveCustomer(clientId: string, customerId: string): Promise<string> {
    await this.db('stripe_customers')
      .insert({ tenant_id: this.tenantId, client_id: clientId, stripe_customer_id: customerId })
      .onConflict(['tenant_id', 'client_id'])
      .ignore();
    return (await this.customerId(clientId))!;
  }

  // ---- payment intents ----

  async intent(paymentIntentId: string): Promise<IntentRow | undefined> {
    return this.table('stripe_payment_intents').where({ payment_intent_id: paymentIntentId }).first();
  }

  /** The newest still-payable checkout intent of an invoice for this exact amount. */
  async openCheckoutIntent(invoiceId: string, amount: number, currency: string): Promise<IntentRow | undefined> {
    return this.table('stripe_payment_intents')
      .where({ invoice_id: invoiceId, kind: 'checkout', amount, currency: currency.toLowerCase() })
      .whereIn('status', ['requires_payment_method', 'requires_confirmation', 'requires_action', 'failed'])
      .orderBy('created_at', 'desc')
      .first();
  }

  /** The newest intent of an invoice not yet succeeded or canceled (3-D Secure to finish, a checkout to resume). */
  async latestOpenIntent(invoiceId: string): Promise<IntentRow | undefined> {
    return this.table('stripe_payment_intents')
      .where({ invoice_id: invoiceId })
      .whereNull('payment_recorded_at')
      .whereNotIn('status', ['succeeded', 'canceled'])
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'attempt', order: 'desc' }])
      .first();
  }

  async saveIntent(row: Omit<IntentRow, 'id' | 'created_at' | 'payment_recorded_at' | 'last_error'> & { last_error?: string | null }): Promise<void> {
    await this.db('stripe_payment_intents')
      .insert({ tenant_id: this.tenantId, ...row, currency: row.currency.toLowerCase() })
      .onConflict(['tenant_id', 'payment_intent_id'])
      .merge(['status', 'last_error', 'updated_at']);
  }

  /**
   * Sets an intent's state (and, once its payment is recorded, `payment_recorded_at`) in one
   * statement and answers what it was before — undefined for an intent mPanel did not create.
   */
  async setIntentState(paymentIntentId: string, state: string, lastError: string | null, paymentRecorded: boolean): Promise<{ previous: string } | undefined> {
    const { rows } = (await this.db.raw(
      `WITH old AS (
         SELECT id, status FROM stripe_payment_intents WHERE tenant_id = ? AND payment_intent_id = ? FOR UPDATE
       )
       UPDATE stripe_payment_intents t
          SET status = ?, last_error = ?, updated_at = now(),
              payment_recorded_at = CASE WHEN ? THEN coalesce(t.payment_recorded_at, now()) ELSE t.payment_recorded_at END
         FROM old WHERE t.id = old.id
       RETURNING old.status AS previous`,
      [this.tenantId, paymentIntentId, state, lastError, paymentRecorded],
    )) as { rows: Array<{ previous: string }> };
    return rows[0];
  }

  async updateIntent(paymentIntentId: string, changes: { status?: string; last_error?: string | null; payment_recorded_at?: Date }): Promise<void> {
    await this.table('stripe_payment_intents').where({ payment_intent_id: paymentIntentId }).update({ ...changes, updated_at: this.db.fn.now() });
  }

  /** Intents that may have been paid without mPanel hearing of it (the reconciliation scan). */
  async unreconciledIntents(olderThan: Date, newerThan: Date, limit: number): Promise<IntentRow[]> {
    return this.table('stripe_payment_intents')
      .whereNull('payment_recorded_at')
      .whereNot('status', 'canceled')
      .where('created_at', '<=', olderThan)
      .where('created_at', '>=', newerThan)
      .orderBy('created_at')
      .limit(limit);
  }

  async offSessionAttempts(invoiceId: string): Promise<number> {
    const row = await this.table('stripe_payment_intents').where({ invoice_id: invoiceId, kind: 'off_session' }).max({ n: 'attempt' }).first();
    return Number(row?.n ?? 0);
  }

  // ---- payment methods ----

  async paymentMethods(clientId: string): Promise<PaymentMethodRow[]> {
    return this.table('stripe_payment_methods').where({ client_id: clientId }).orderBy('created_at');
  }

  async defaultPaymentMethod(clientId: string): Promise<PaymentMethodRow | undefined> {
    return this.table('stripe_payment_methods').where({ client_id: clientId, is_default: true }).first();
  }

  async paymentMethod(clientId: string, id: string): Promise<PaymentMethodRow | undefined> {
    return this.table('stripe_payment_methods').where({ client_id: clientId, id }).first();
  }

  /** A card of this tenant by mPanel id, whoever's it is (routes check the owner). */
  async paymentMethodById(id: string): Promise<PaymentMethodRow | undefined> {
    return this.table('stripe_payment_methods').where({ id }).first();
  }

  /**
   * Saves a card; the client's first card becomes its default. Saving the same card twice is a
   * no-op whose `created` is false (the webhook and the portal's completion both save the card; a
   * concurrent second insert waits on the unique index, then ignores).
   */
  async savePaymentMethod(row: Omit<PaymentMethodRow, 'id' | 'is_default'>): Promise<{ row: PaymentMethodRow; created: boolean }> {
    const hasDefault = Boolean(await this.defaultPaymentMethod(row.client_id));
    const inserted = await this.db('stripe_payment_methods')
      .insert({ tenant_id: this.tenantId, ...row, is_default: !hasDefault })
      .onConflict(['tenant_id', 'stripe_payment_method_id'])
      .ignore()
      .returning('id');
    const saved = await this.table('stripe_payment_methods').where({ stripe_payment_method_id: row.stripe_payment_method_id }).first();
    return { row: saved, created: inserted.length === 1 };
  }

  async setDefaultPaymentMethod(clientId: string, id: string): Promise<void> {
    await this.table('stripe_payment_methods').where({ client_id: clientId, is_default: true }).update({ is_default: false });
    await this.table('stripe_payment_methods').where({ client_id: clientId, id }).update({ is_default: true, updated_at: this.db.fn.now() });
  }

  async deletePaymentMethod(clientId: string, id: string): Promise<void> {
    await this.table('stripe_payment_methods').where({ client_id: clientId, id }).delete();
  }

  // ---- webhook events ----

  async eventSeen(eventId: string): Promise<boolean> {
    return Boolean(await this.table('stripe_webhook_events').where({ event_id: eventId }).first('id'));
  }

  /**
   * Claims an event id in the current transaction. A concurrent delivery of the same event waits
   * on the unique index and then gets `false`: exactly one delivery acts.
   */
  async claimEvent(eventId: string, type: string, outcome: string): Promise<boolean> {
    const rows = await this.db('stripe_webhook_events')
      .insert({ tenant_id: this.tenantId, event_id: eventId, type, outcome })
      .onConflict(['tenant_id', 'event_id'])
      .ignore()
      .returning('id');
    return rows.length === 1;
  }
}
