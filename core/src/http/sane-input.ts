import { ValidationError } from '@mpanel/sdk';

/** Deeper than any real request; deeper bodies only exhaust whoever walks them. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Refuses input no route can mean and the database would choke on (a 500 otherwise): NUL
 * characters in strings or keys (PostgreSQL text cannot hold them), numbers beyond the safe
 * integer range (money is integer minor units), and nesting deeper than MAX_INPUT_DEPTH. Walks
 * without recursion, so depth itself cannot overflow the stack.
 */
export function assertSaneInput(value: unknown, part: 'params' | 'query' | 'body'): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    const field = item.path || part;
    if (typeof item.value === 'string') {
      if (item.value.includes('\u0000')) throw new ValidationError({ [field]: 'must not contain NUL characters' });
    } else if (typeof item.value === 'number') {
      if (Math.abs(item.value) > Number.MAX_SAFE_INTEGER) throw new ValidationError({ [field]: 'is out of range' });
    } else if (item.value !== null && typeof item.value === 'object') {
      if (item.depth >= MAX_INPUT_DEPTH) throw new ValidationError({ [part]: `is nested deeper than ${MAX_INPUT_DEPTH} levels` });
      for (const [key, child] of Object.entries(item.value)) {
        if (key.includes('\u0000')) throw new ValidationError({ [field]: 'must not contain NUL characters' });
        stack.push({ value: child, path: item.path ? `${item.path}.${key}` : key, depth: item.depth + 1 });
      }
    }
  }
}
