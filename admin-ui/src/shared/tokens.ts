/**
 * Access and refresh tokens, kept in localStorage per app area so a reload keeps the session and
 * the admin and portal sessions stay apart. A refresh is shared by concurrent 401s.
 */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

let storageKey = 'mpanel.admin.tokens';
let refreshing: Promise<boolean> | undefined;
const expiredListeners = new Set<() => void>();

function read(): Partial<TokenPair> {
  try {
    return JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Partial<TokenPair>;
  } catch {
    return {};
  }
}

export const tokens = {
  /** `admin` or `portal`: which stored session this page uses. */
  useArea(area: 'admin' | 'portal'): void {
    storageKey = `mpanel.${area}.tokens`;
  },
  /**
   * Stores a session for the other area (admin "log in as client" opens the portal with an
   * impersonation token, which has no refresh token: it simply ends after 15 minutes).
   */
  setFor(area: 'admin' | 'portal', pair: { accessToken: string; refreshToken?: string }): void {
    localStorage.setItem(`mpanel.${area}.tokens`, JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }));
  },
  get access(): string | undefined {
    return read().accessToken;
  },
  get refreshToken(): string | undefined {
    return read().refreshToken;
  },
  set(pair: TokenPair): void {
    localStorage.setItem(storageKey, JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }));
  },
  clear(): void {
    localStorage.removeItem(storageKey);
  },
  /** Called when the session cannot be renewed (the app shows the login page). */
  onExpired(listener: () => void): void {
    expiredListeners.add(listener);
  },
  refresh(): Promise<boolean> {
    const refreshToken = read().refreshToken;
    if (!refreshToken) return Promise.resolve(false);
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
        for (const listener of expiredListeners) listener();
        return false;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  },
};
