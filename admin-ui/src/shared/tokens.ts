/**
 * Access and refresh tokens, kept per app area so a reload keeps the session and the admin and
 * portal sessions stay apart. A refresh is shared by concurrent 401s.
 *
 * Normally a session lives in localStorage (every tab of the area shares it). A tab opened by
 * "log in as client" keeps its session in its own sessionStorage instead: the impersonation must
 * not replace a portal session the staff member has in the same browser, and that tab stays on its
 * own session (signed out, or signed in anew) until it is closed.
 */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

interface Stored extends Partial<TokenPair> {
  /** A tab's impersonation ended (expired, revoked or closed by staff): the login page says so. */
  ended?: boolean;
}

/** Why a session is gone: `expired` (the refresh failed) or `ended` (an impersonation, which cannot be renewed). */
export type EndReason = 'expired' | 'ended';

let storageKey = 'mpanel.admin.tokens';
let refreshing: Promise<boolean> | undefined;
const expiredListeners = new Set<(reason: EndReason) => void>();

/** This tab's own storage when it holds the area's session (see above), else the shared one. */
function store(): Storage {
  return sessionStorage.getItem(storageKey) !== null ? sessionStorage : localStorage;
}

function read(): Stored {
  try {
    return JSON.parse(store().getItem(storageKey) ?? '{}') as Stored;
  } catch {
    return {};
  }
}

function write(value: Stored): void {
  store().setItem(storageKey, JSON.stringify(value));
}

export const tokens = {
  /** `admin` or `portal`: which stored session this page uses. */
  useArea(area: 'admin' | 'portal'): void {
    storageKey = `mpanel.${area}.tokens`;
  },
  /**
   * Hands an impersonation session (an access token only: it ends after 15 minutes) to the portal
   * tab that "log in as client" opened, in that tab's own sessionStorage. The tab is still on
   * about:blank, which shares this page's origin, so its storage can be written from here.
   */
  handToTab(tab: Window, accessToken: string): void {
    tab.sessionStorage.setItem('mpanel.portal.tokens', JSON.stringify({ accessToken }));
  },
  get access(): string | undefined {
    return read().accessToken;
  },
  get refreshToken(): string | undefined {
    return read().refreshToken;
  },
  /** True on the login page of a tab whose impersonation has ended. */
  get ended(): boolean {
    return read().ended === true;
  },
  /** True while the session is an impersonation: it has no refresh token. */
  get impersonating(): boolean {
    const stored = read();
    return Boolean(stored.accessToken && !stored.refreshToken);
  },
  set(pair: TokenPair): void {
    write({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  },
  /**
   * Signed out. A tab with its own session stays on it (it must not pick up the shared one), and
   * keeps saying that its impersonation ended (the failed /auth/me after it clears again).
   */
  clear(): void {
    if (store() === sessionStorage) write(read().ended ? { ended: true } : {});
    else localStorage.removeItem(storageKey);
  },
  /** Drops an impersonation session; its tab's login page then says that it ended. */
  end(): void {
    if (store() === sessionStorage) write({ ended: true });
    else localStorage.removeItem(storageKey);
  },
  /** Called when the session cannot be renewed (the app shows the login page). */
  onExpired(listener: (reason: EndReason) => void): void {
    expiredListeners.add(listener);
  },
  refresh(): Promise<boolean> {
    const stored = read();
    if (!stored.refreshToken) {
      // An impersonation has no refresh token: a 401 means it expired or was revoked, so it is
      // over (only the first of concurrent 401s finds the token still there).
      if (!stored.accessToken) return Promise.resolve(false);
      tokens.end();
      for (const listener of expiredListeners) listener('ended');
      return Promise.resolve(false);
    }
    const refreshToken = stored.refreshToken;
    refreshing ??= (async () => {
      try {
        const res = await fetch('/api/v1/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ refreshToken }),
        });
        if (!res.ok) throw new Error(`refresh failed: ${res.status}`);
        const { data } = (await res.json()) as { data: TokenPair };
        tokens.set(data);
        return true;
      } catch {
        tokens.clear();
        for (const listener of expiredListeners) listener('expired');
        return false;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  },
};
