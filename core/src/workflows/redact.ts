/** Keys whose values never appear in a summary (case-insensitive, `_`/`-` ignored). */
const SECRET_KEY = /(password|passwd|secret|token|apikey|privatekey|^key$|key$|credential|authorization|cookie)/i;
const MAX_SUMMARY_CHARS = 4000;

function normalize(key: string): string {
  return key.replace(/[-_]/g, '');
}

/**
 * What people may see of a step's input or output: nested values kept, values under secret-looking
 * keys (and under the keys the step marks secret) replaced by "[redacted]"; a summary too large
 * for a timeline is cut to a note.
 */
export function summarize(value: unknown, extraSecretKeys: readonly string[] = []): unknown {
  const extra = new Set(extraSecretKeys.map((k) => normalize(k).toLowerCase()));
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth > 8) return '[nested]';
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const n = normalize(k);
      out[k] = SECRET_KEY.test(n) || extra.has(n.toLowerCase()) ? '[redacted]' : walk(x, depth + 1);
    }
    return out;
  };
  if (value === undefined) return null;
  const summary = walk(value, 0);
  const text = JSON.stringify(summary) ?? 'null';
  return text.length > MAX_SUMMARY_CHARS ? { truncated: true, chars: text.length } : summary;
}
