import type { RootContainer } from '../container.ts';

type AfterCommit = Array<() => void | Promise<void>>;

/**
 * Once the request has committed, the sockets of these users follow their sessions again
 * (an ended session or a disabled user is disconnected, changed roles re-join their rooms).
 * The hub is resolved when the request runs: identity's routes are built before realtime exists.
 */
export function resyncSocketsAfterCommit(container: RootContainer, ctx: { state: Record<string, unknown> }, target: { userId: string } | { tenantId: string }): void {
  (ctx.state.afterCommit as AfterCommit).push(() => {
    const { realtime } = container.cradle;
    return 'userId' in target ? realtime.resyncUser(target.userId) : realtime.resyncTenant(target.tenantId);
  });
}
