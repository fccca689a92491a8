import type { RouteDefinition } from '@mpanel/sdk';
import { ValidationError } from '@mpanel/sdk';
import { count, country, currency, cycle, isoDateSchema, listQuery, listRoute, minor, objectBody, route, uuid, type Plugin } from './common.ts';
import { createCoupon, listCoupons, type CouponInput } from '../services/coupons.ts';
import { taxRuleView, type TaxRuleInput } from '../services/taxes.ts';
import { paginate } from '../db.ts';
import { percentToPpm } from '../domain/tax.ts';
import { isIsoDate } from '../domain/dates.ts';

export function couponAndTaxRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    listRoute(plugin, { method: 'GET', path: '/api/v1/coupons', permission: 'coupons.read', schema: { query: listQuery() } }, (b, q) => listCoupons(b, q)),
    route(plugin, {
      method: 'POST', path: '/api/v1/coupons', permission: 'coupons.write', successStatus: 201,
      schema: {
        body: objectBody({
          code: { type: 'string', pattern: '^[A-Za-z0-9_-]{2,50}$' },
          type: { enum: ['percent', 'fixed'] },
          value: minor,
          currency,
          recurring: { type: 'boolean' },
          productIds: { type: 'array', items: uuid, maxItems: 100 },
          cycles: { type: 'array', items: cycle, maxItems: 7 },
          maxUses: { ...count, type: ['integer', 'null'], minimum: 1 },
          validFrom: { anyOf: [isoDateSchema, { type: 'null' }] },
          expiresAt: { anyOf: [isoDateSchema, { type: 'null' }] },
        }, ['code', 'type', 'value']),
      },
    }, (b, ctx) => createCoupon(b, ctx.input.body as CouponInput)),
    listRoute(plugin, { method: 'GET', path: '/api/v1/tax-rules', permission: 'tax-rules.read', schema: { query: listQuery({ country }) } },
      (b, q) => paginate(q.country ? b.db('tax_rules').where('country', q.country as string) : b.db('tax_rules'), q, ['country', 'state', 'level', 'id'], taxRuleView)),
    route(plugin, {
      method: 'POST', path: '/api/v1/tax-rules', permission: 'tax-rules.write', successStatus: 201,
      schema: {
        body: objectBody({
          name: { type: 'string', minLength: 1, maxLength: 100 },
          country: { anyOf: [country, { type: 'null' }] },
          state: { type: ['string', 'null'], maxLength: 50 },
          rate: { anyOf: [{ type: 'string', pattern: '^\\d{1,3}(\\.\\d{1,4})?$' }, { type: 'number', minimum: 0, maximum: 100 }] },
          level: { enum: [1, 2] },
          compound: { type: 'boolean' },
          validFrom: { anyOf: [isoDateSchema, { type: 'null' }] },
          validTo: { anyOf: [isoDateSchema, { type: 'null' }] },
        }, ['name', 'rate']),
      },
    }, async (b, ctx) => {
      const input = ctx.input.body as TaxRuleInput;
      let ratePpm: number;
      try {
        ratePpm = percentToPpm(input.rate);
      } catch {
        throw new ValidationError({ rate: 'a percentage with at most 4 decimals' });
      }
      if (ratePpm > 1_000_000) throw new ValidationError({ rate: 'at most 100' });
      if (input.compound && input.level !== 2) throw new ValidationError({ compound: 'only a level 2 tax can be compound' });
      if (input.validFrom && input.validTo && (!isIsoDate(input.validFrom) || input.validTo < input.validFrom)) throw new ValidationError({ validTo: 'before validFrom' });
      const [row] = await b.db.insert<Record<string, unknown>>('tax_rules', {
        name: input.name, country: input.country ?? null, state: input.state ?? null, rate_ppm: ratePpm, level: input.level ?? 1,
        compound: input.compound ?? false, valid_from: input.validFrom ?? null, valid_to: input.validTo ?? null,
      });
      return taxRuleView(row!);
    }),
  ];
}

