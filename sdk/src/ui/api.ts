/**
 * The HTTP client the admin UI, the portal and plugin UIs share. It speaks the API contract:
 * `{ data }` / `{ data, meta }` on success and `{ error, details }` on failure, where `details`
 * maps dotted field paths (`email`, `items.0.productId`) to messages a form shows on its fields.
 */

export interface ListMeta {
  total: number;
  page: number;
  perPage: number;
}

export interface ListResult<T> {
  data: T[];
  meta: ListMeta;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  /** Return the raw Response (PDF downloads, streamed answers). */
  raw?: boolean;
  /** Extra request headers, e.g. `accept: 'application/x-ndjson'` for a streamed answer; `authorization` is always the client's own. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A failed API call: the contract's `error` as message, `details` per field, and the status. */
export class ApiError extends Error {
  readonly status: number;
  readonly details: Record<string, string>;

  constructor(status: number, message: string, details: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.details = details;
  }
}

export interface ApiClientOptions {
  /** Prefix of every path, e.g. `/api/v1`. */
  baseUrl?: string;
  /** The current access token, if any. */
  getToken?: () => string | null | undefined;
  /** Called once on a 401 for an authenticated call; resolve true when a retry may succeed (token refreshed). */
  onUnauthorized?: () => Promise<boolean>;
  fetch?: typeof fetch;
}

export interface ApiClient {
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  get<T = unknown>(path: string, query?: Record<string, QueryValue>): Promise<T>;
  list<T = unknown>(path: string, query?: Record<string, QueryValue>): Promise<ListResult<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  put<T = unknown>(path: string, body?: unknown): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown): Promise<T>;
  delete<T = unknown>(path: string): Promise<T>;
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function errorFrom(res: Response): Promise<ApiError> {
  let body: { error?: unknown; details?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON (a proxy's HTML page): keep the status text
  }
  const message = typeof body.error === 'string' ? body.error : res.statusText || `HTTP ${res.status}`;
  const details = body.details && typeof body.details === 'object' ? (body.details as Record<string, string>) : {};
  return new ApiError(res.status, message, details);
}

/**
 * Unwraps `{ data }` for single results; lists keep `{ data, meta }` (use `list`). Methods return
 * the `data` member so callers write `const user = await api.get<User>('/users/1')`.
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '/api/v1';
  const doFetch = options.fetch ?? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init));

  async function send(method: string, path: string, opts: RequestOptions, retried: boolean): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const token = options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const query = buildQuery(opts.query);
    const target = /^https?:|^\/api\//.test(path) ? path : baseUrl + path;
    const url = target + (query && target.includes('?') ? `&${query.slice(1)}` : query);
    const res = await doFetch(url, { method, headers, body, signal: opts.signal });
    if (res.status === 401 && token && !retried && options.onUnauthorized && (await options.onUnauthorized())) {
      return send(method, path, opts, true);
    }
    return res;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await send(method, path, opts, false);
    if (!res.ok) throw await errorFrom(res);
    if (opts.raw) return res as T;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const data = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> =>
    ((await request<{ data: T }>(method, path, opts)) ?? { data: undefined as T }).data;

  return {
    request,
    get: (path, query) => data('GET', path, { query }),
    list: (path, query) => request('GET', path, { query }),
    post: (path, body) => data('POST', path, { body: body ?? {} }),
    put: (path, body) => data('PUT', path, { body: body ?? {} }),
    patch: (path, body) => data('PATCH', path, { body: body ?? {} }),
    delete: (path) => data('DELETE', path),
  };
}

/**
 * The per-field messages of a failed call, for a form. Fields are matched by their dotted path;
 * `prefix` strips a leading segment (`body.`) when a form edits a nested object.
 */
export function fieldErrors(err: unknown, prefix = ''): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(err.details)) {
    const name = prefix && field.startsWith(prefix) ? field.slice(prefix.length) : field;
    out[name] = message;
  }
  return out;
}
