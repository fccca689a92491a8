import { ref } from 'vue';
import { ApiError, fieldErrors } from '../index.ts';

/**
 * A form's submit state: `busy`, the general `message` and the API's per-field `details` in
 * `errors` (shown on the fields by FormField). `submit` resolves the action's value, or undefined
 * when it failed (the errors are then set).
 */
export function useForm() {
  const busy = ref(false);
  const message = ref<string | null>(null);
  const errors = ref<Record<string, string>>({});
  async function submit<T>(action: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    message.value = null;
    errors.value = {};
    try {
      return await action();
    } catch (err) {
      errors.value = fieldErrors(err);
      message.value = err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, message, errors, submit };
}
