/**
 * Decodes Stripe's request encoding: `application/x-www-form-urlencoded` with bracket nesting
 * (`metadata[invoiceId]=…`, `expand[0]=…`), the format the official SDK's `stringifyRequestData`
 * writes. Indexed keys become arrays so `expand[0]` reads back as `['…']`.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject { [key: string]: FormValue }

export function decodeForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = splitKey(rawKey);
    let node: FormObject | FormValue[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const container = node as Record<string, FormValue>;
      if (last) {
        container[segment] = value;
        return;
      }
      const nextIsIndex = /^\d*$/.test(path[i + 1]!);
      container[segment] ??= nextIsIndex ? [] : {};
      node = container[segment] as FormObject | FormValue[];
    });
  }
  return root;
}

function splitKey(key: string): string[] {
  const head = key.split('[', 1)[0]!;
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
  return [head, ...rest];
}

/** Reads a boolean form field (`true`/`false` strings). */
export function formBool(value: FormValue | undefined): boolean {
  return value === 'true';
}

/** Reads an integer form field; undefined when absent. */
export function formInt(value: FormValue | undefined): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return Number.parseInt(value, 10);
}

/** Reads a nested string map such as `metadata`. */
export function formMap(value: FormValue | undefined): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
