/**
 * The API client the kit's components call (DataList's pages, FieldsForm's select options). The
 * host binds its own client (the user's token, the refresh on 401) once at start-up; since the kit
 * is one shared module for the host and every plugin, a plugin's DataList uses that same client.
 * Unbound (a component test, a plugin's own preview), it is a plain client of `/api/v1`.
 */
import { createApiClient, type ApiClient } from '../api.ts';

let bound: ApiClient = createApiClient();

/** Called by the host with its authenticated client. */
export function bindApi(client: ApiClient): void {
  bound = client;
}

/** The host's client, looked up at each call so a component never holds a stale one. */
export const api: ApiClient = {
  request: (method, path, options) => bound.request(method, path, options),
  get: (path, query) => bound.get(path, query),
  list: (path, query) => bound.list(path, query),
  post: (path, body) => bound.post(path, body),
  put: (path, body) => bound.put(path, body),
  patch: (path, body) => bound.patch(path, body),
  delete: (path) => bound.delete(path),
};
