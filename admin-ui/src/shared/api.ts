import { createApiClient } from '@mpanel/sdk/ui';
// The kit's file, not its index: the login page must not load the kit's components.
import { bindApi } from '@mpanel/sdk/ui/vue/host-api.ts';
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

// The UI kit's components (the host's and plugins') call the API through this same client.
bindApi(api);
