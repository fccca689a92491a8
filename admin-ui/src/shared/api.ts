import { createApiClient } from '@mpanel/sdk/ui';
import { tokens } from './tokens.ts';

/**
 * The host's API client: adds the access token, and on a 401 tries the refresh token once before
 * giving up (the session store then shows the login page).
 */
export const api = createApiClient({
  baseUrl: '/api/v1',
  getToken: () => tokens.access,
  onUnauthorized: () => tokens.refresh(),
});
