import type { Principal, RouteContext, RouteDefinition, RouteOptions } from '@mpanel/sdk';
import { openDesk, type Desk, type SupportContext } from '../desk.ts';

export const uuid = { type: 'string', format: 'uuid' } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

export function objectBody(properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties, required };
}

/** A route whose handler gets the request's desk (tenant data in the request transaction) and caller. */
export function deskRoute<P = Record<string, string>, Q = Record<string, unknown>, B = unknown>(
  ctx: SupportContext,
  options: RouteOptions,
  handler: (desk: Desk, p: Principal, req: RouteContext<P, Q, B>) => unknown | Promise<unknown>,
): RouteDefinition<P, Q, B> {
  return {
    ...options,
    async handler(req) {
      const desk = await openDesk(ctx, req.db, req.tenant!.id);
      return handler(desk, req.principal!, req);
    },
  };
}
