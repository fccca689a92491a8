import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';

export interface Loaded<T> {
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  /** 404 from the API: screens show "not found" rather than an error with a retry. */
  notFound: Ref<boolean>;
  reload: () => Promise<void>;
}

/** One resource a screen shows, with the loading / error / not-found states StateBlock renders. */
export function useLoad<T>(fetch: () => Promise<T>): Loaded<T> {
  const data = shallowRef<T | null>(null);
  const loading = ref(true);
  const error = ref<string | null>(null);
  const notFound = ref(false);
  let seq = 0;
  async function reload(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const value = await fetch();
      if (mine === seq) data.value = value;
    } catch (err) {
      if (mine !== seq) return;
      notFound.value = (err as { status?: number }).status === 404;
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  void reload();
  return { data, loading, error, notFound, reload };
}
