import { asValue } from 'awilix';
import type { CoreModule } from '../../module.ts';
import { PORTAL_USERS_SERVICE, portalUsers, type PortalUsers } from './portal-users.ts';

/**
 * Offers portal users to plugins as a service owned by `core` (always usable). Listed after the
 * plugin system, whose service registry it fills; plugins resolve services only when called.
 */
export const portalUsersModule: CoreModule = {
  name: 'portal-users',
  register(container) {
    container.register({ portalUsers: asValue(portalUsers) });
    container.cradle.pluginServices.provide('core', PORTAL_USERS_SERVICE, portalUsers);
  },
};

declare module '../../container.ts' {
  interface CoreCradle {
    portalUsers: PortalUsers;
  }
}
