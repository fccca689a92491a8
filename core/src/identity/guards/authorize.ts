import { ForbiddenError, type Principal } from '@mpanel/sdk';
import type { RouteStage } from '../../http/route-pipeline.ts';

/** The permission of self-service routes (me, two-factor enrolment, password change). */
export const ACCOUNT_PERMISSION = 'account.manage';

/** Guard 2: the route's declared permission must be held, else 403. */
export const authorize: RouteStage = (route) => {
  if (route.public) return undefined;
  const permission = route.permission!;
  return async (ctx, next) => {
    const principal = ctx.state.principal as Principal;
    if (!principal.permissions.has(permission)) throw new ForbiddenError(`Missing permission ${permission}`);
    if (ctx.state.twoFactorSetupRequired && permission !== ACCOUNT_PERMISSION) {
      throw new ForbiddenError('Two-factor authentication must be set up first');
    }
    await next();
  };
};
