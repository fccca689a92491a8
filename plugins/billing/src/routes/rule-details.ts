import type { RouteDefinition } from '@mpanel/sdk';
import { idParams as pathId, objectBody, removeWith, route, type Plugin } from './common.ts';
import { couponAndTaxRoutes } from './rules.ts';
import { deleteCoupon, getCoupon, updateCoupon, type CouponPatch } from '../services/coupon-admin.ts';
import { deleteTaxRule, getTaxRule, updateTaxRule } from '../services/tax-rules.ts';
import type { TaxRuleInput } from '../services/taxes.ts';

const idParams = { ...pathId, additionalProperties: false };

/** The fields a collection's POST accepts, so PATCH stays in step with create without a second copy. */
function createFields(plugin: Plugin, path: string): Record<string, unknown> {
  const create = couponAndTaxRoutes(plugin).find((r) => r.method === 'POST' && r.path === path);
  const properties = (create?.schema?.body as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!properties) throw new Error(`no POST ${path} to take fields from`);
  return properties;
}

/** One resource's GET/PATCH/DELETE by id; everything else of coupons and tax rules lives in rules.ts. */
export function ruleDetailRoutes(plugin: Plugin): RouteDefinition[] {
  const couponFields = { ...createFields(plugin, '/api/v1/coupons'), disabled: { type: 'boolean' } };
  const taxFields = createFields(plugin, '/api/v1/tax-rules');
  return [
    route(plugin, { method: 'GET', path: '/api/v1/coupons/:id', permission: 'coupons.read', schema: { params: idParams } },
      (b, ctx) => getCoupon(b, ctx.input.params.id)),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/coupons/:id', permission: 'coupons.write', summary: 'Change a coupon (expire or disable it; terms only while unredeemed)',
      schema: { params: idParams, body: { ...objectBody(couponFields), minProperties: 1 } },
    }, (b, ctx) => updateCoupon(b, ctx.input.params.id, ctx.input.body as CouponPatch)),
    route(plugin, { method: 'DELETE', path: '/api/v1/coupons/:id', permission: 'coupons.write', summary: 'Delete a coupon nobody redeemed', schema: { params: idParams } },
      removeWith(deleteCoupon)),
    route(plugin, { method: 'GET', path: '/api/v1/tax-rules/:id', permission: 'tax-rules.read', schema: { params: idParams } },
      (b, ctx) => getTaxRule(b, ctx.input.params.id)),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/tax-rules/:id', permission: 'tax-rules.write',
      schema: { params: idParams, body: { ...objectBody(taxFields), minProperties: 1 } },
    }, (b, ctx) => updateTaxRule(b, ctx.input.params.id, ctx.input.body as Partial<TaxRuleInput>)),
    route(plugin, { method: 'DELETE', path: '/api/v1/tax-rules/:id', permission: 'tax-rules.write', schema: { params: idParams } },
      removeWith(deleteTaxRule)),
  ];
}
