import { ref, type Ref } from 'vue';

/** The message of a failed API call: its per-field details when it has them, else its error. */
export function errorText(err: unknown): string {
  const details = (err as { details?: Record<string, string> }).details ?? {};
  return Object.values(details).join(' ') || (err instanceof Error ? err.message : String(err));
}

/**
 * A screen's actions: run one, then reload what the screen shows; a failure is kept in `error`
 * (shown by the screen) and handed to `onError` (a 409 the screen reacts to).
 */
export function useAction(reload: () => Promise<void>, onError?: (err: unknown) => void): { error: Ref<string>; act: (fn: () => Promise<unknown>) => Promise<void> } {
  const error = ref('');
  async function act(fn: () => Promise<unknown>): Promise<void> {
    error.value = '';
    try {
      await fn();
      await reload();
    } catch (err) {
      onError?.(err);
      error.value = errorText(err);
    }
  }
  return { error, act };
}
