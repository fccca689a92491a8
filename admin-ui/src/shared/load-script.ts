/**
 * Loads a classic script (a provider's browser SDK) once per URL. A failed load is forgotten so a
 * later attempt may succeed. Used by plugins through `host.loadScript` and by the portal's payment
 * form for Stripe.js.
 */
const loaded = new Map<string, Promise<void>>();

export function loadScript(url: string): Promise<void> {
  let loading = loaded.get(url);
  if (!loading) {
    loading = new Promise<void>((resolve, reject) => {
      const script = Object.assign(document.createElement('script'), { src: url, async: true });
      script.addEventListener('load', () => resolve());
      script.addEventListener('error', () => reject(new Error(`could not load ${url}`)));
      document.head.append(script);
    });
    loaded.set(url, loading);
    loading.catch(() => loaded.delete(url));
  }
  return loading;
}

/** Whether `url` is served from one of `origins` (`https://host[:port]`). */
export function fromOrigins(url: string, origins: readonly string[] | undefined): boolean {
  let origin: string;
  try {
    origin = new URL(url, location.href).origin;
  } catch {
    return false;
  }
  return (origins ?? []).includes(origin);
}
