import type { Router } from 'vue-router';
import { can } from '@mpanel/sdk/ui';
import { useSession } from './session.ts';

/**
 * Sends signed-out users to the login page (keeping where they were going) and hides pages whose
 * `meta.permission` the user lacks. The API enforces permissions; this only keeps the UI honest.
 */
export function installGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const session = useSession();
    await session.ensureLoaded();
    if (to.meta.public) return session.signedIn && to.name === 'login' ? { path: '/' } : true;
    // A plugin's page without a session (public-pages.ts): anybody, signed in or not.
    if (to.meta.publicPage) return true;
    if (!session.signedIn) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
    if (typeof to.meta.permission === 'string' && !can(to.meta.permission)) return { name: 'forbidden' };
    return true;
  });
}

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    permission?: string;
    title?: string;
  }
}
