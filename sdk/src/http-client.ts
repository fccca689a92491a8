/**
 * A small fetch-based HTTP client for provider APIs: every request has a timeout, JSON in and
 * out, and a non-2xx answer throws `HttpClientError` with the status and the parsed body.
 */
export interface HttpRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (form bodies, signed payloads). */
  body?: string | Uint8Array | URLSearchParams;
  /** Default: the client's timeout (10 s). */
  timeoutMs?: number;
  /** Do not throw on non-2xx answers. */
  allowErrorStatus?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: T;
}

export interface HttpClient {
  request<T = unknown>(url: string, options?: HttpRequestOptions): Promise<HttpResponse<T>>;
  get<T = unknown>(url: string, options?: Omit<HttpRequestOptions, 'method'>): Promise<HttpResponse<T>>;
  post<T = unknown>(url: string, json?: unknown, options?: Omit<HttpRequestOptions, 'method' | 'json'>): Promise<HttpResponse<T>>;
}

export interface HttpClientOptions {
  /** Relative URLs are resolved against it. */
  baseUrl?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export class HttpClientError extends Error {
  constructor(message: string, readonly status: number, readonly body: unknown) {
    super(message);
    this.name = 'HttpClientError';
  }
}

export class HttpTimeoutError extends Error {
  constructor(readonly url: string, readonly timeoutMs: number) {
    super(`Request to ${url} timed out after ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

export function createHttpClient(defaults: HttpClientOptions = {}): HttpClient {
  const request = async <T>(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse<T>> => {
    const target = new URL(url, defaults.baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) target.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', ...defaults.headers, ...options.headers };
    let body: string | Uint8Array | URLSearchParams | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const timeoutMs = options.timeoutMs ?? defaults.timeoutMs ?? 10_000;
    let res: Response;
    try {
      // The DOM typings (the admin UI's type check reaches this file) take only ArrayBuffer-backed bytes; any Uint8Array is sent the same.
      res = await fetch(target, { method: options.method ?? 'GET', headers, body: body as RequestInit['body'], signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new HttpTimeoutError(target.toString(), timeoutMs);
      throw err;
    }
    const text = await res.text();
    const parsed = (res.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as T) : (text as T);
    if (!res.ok && !options.allowErrorStatus) {
      throw new HttpClientError(`${options.method ?? 'GET'} ${target.origin}${target.pathname} answered ${res.status}`, res.status, parsed);
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    request,
    get: (url, options) => request(url, { ...options, method: 'GET' }),
    post: (url, json, options) => request(url, { ...options, method: 'POST', json }),
  };
}
