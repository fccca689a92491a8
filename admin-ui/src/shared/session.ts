import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, setPermissions } from '@mpanel/sdk/ui';
import { api } from './api.ts';
import { tokens, type TokenPair } from './tokens.ts';

export interface SessionUser {
  id: string;
  email: string;
  [key: string]: unknown;
}

export interface SessionTenant {
  id: string;
  slug: string;
  name: string;
}

export interface Me {
  user: SessionUser;
  tenant: SessionTenant;
  roles: string[];
  permissions: string[];
  /** Set when a staff user opened this session with "log in as client". */
  impersonatedBy?: { id: string; email: string | null } | null;
}

export interface Credentials {
  email: string;
  password: string;
  tenant?: string;
}

/** `done` when signed in; `totp` when the API wants a one-time code before it issues tokens. */
export type LoginStep = 'done' | 'totp';

type LoginAnswer = Partial<TokenPair> & Record<string, unknown>;

/** True when a login answer or error asks for the second factor (any of the shapes the API may use). */
export function wantsSecondFactor(answer: LoginAnswer | undefined, err?: unknown): boolean {
  if (answer && !answer.accessToken) {
    return Boolean(answer.twoFactorRequired ?? answer.totpRequired ?? answer.mfaRequired ?? answer.challengeToken ?? answer.twoFactorToken);
  }
  return err instanceof ApiError && ['totp', 'code', 'totpCode', 'otp'].some((f) => f in err.details) && !('password' in err.details);
}

export const useSession = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const pending = ref<{ credentials: Credentials; challenge: LoginAnswer } | null>(null);
  const signedIn = computed(() => me.value !== null);

  async function loadMe(): Promise<Me | null> {
    if (!tokens.access) return null;
    try {
      me.value = await api.get<Me>('/auth/me');
      setPermissions(me.value.permissions);
      return me.value;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        tokens.clear();
        me.value = null;
        return null;
      }
      throw err;
    }
  }

  let loaded: Promise<Me | null> | undefined;
  /** The first `loadMe` of the page, shared by the router guard and the app start. */
  function ensureLoaded(): Promise<Me | null> {
    loaded ??= loadMe().catch(() => null);
    return loaded;
  }

  async function finish(pair: TokenPair): Promise<LoginStep> {
    tokens.set(pair);
    pending.value = null;
    await loadMe();
    return 'done';
  }

  async function login(credentials: Credentials): Promise<LoginStep> {
    let answer: LoginAnswer | undefined;
    try {
      answer = await api.post<LoginAnswer>('/auth/login', credentials);
    } catch (err) {
      if (!wantsSecondFactor(undefined, err)) throw err;
    }
    if (answer?.accessToken && answer.refreshToken) return finish(answer as TokenPair);
    pending.value = { credentials, challenge: answer ?? {} };
    return 'totp';
  }

  /** Second step: the one-time code (or a recovery code), sent with the first step's challenge. */
  async function verifyTotp(code: string): Promise<LoginStep> {
    if (!pending.value) throw new ApiError(400, 'Sign in again', {});
    const { credentials, challenge } = pending.value;
    const challengeToken = challenge.challengeToken ?? challenge.twoFactorToken;
    const answer = challengeToken
      ? await api.post<TokenPair>('/auth/2fa/verify', { challengeToken, code })
      : await api.post<TokenPair>('/auth/login', { ...credentials, totp: code });
    return finish(answer);
  }

  async function logout(): Promise<void> {
    if (tokens.impersonating) return endImpersonation();
    const refreshToken = tokens.refreshToken;
    try {
      if (refreshToken) await api.post('/auth/logout', { refreshToken });
    } catch {
      // the tokens are dropped below either way
    }
    tokens.clear();
    me.value = null;
    setPermissions([]);
  }

  function expire(): void {
    me.value = null;
    setPermissions([]);
  }

  /**
   * Staff closing a "log in as client" tab's session: the API ends it at once (it has no refresh
   * token to log out with), and the tab drops it either way.
   */
  async function endImpersonation(): Promise<void> {
    try {
      await api.delete('/auth/impersonation');
    } catch {
      // already expired or revoked: nothing is left to end
    }
    tokens.end();
    expire();
  }

  return { me, pending, signedIn, loadMe, ensureLoaded, login, verifyTotp, logout, expire, endImpersonation };
});
