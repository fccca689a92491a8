/** Keys whose values never reach an operation's step log, whatever a module passes in. */
const ALWAYS = ['password', 'pass', 'secret', 'token', 'key', 'apikey', 'authorization', 'credentials', 'privatekeypem', 'keypem', 'passwordhash', 'accesshash', 'cookie'];

/** A copy of `value` with secret-looking keys (and the module's own `extra` names) replaced. */
export function redact(value: unknown, extra: string[] = [], depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, extra, depth + 1));
  if (!value || typeof value !== 'object') return typeof value === 'string' && value.length > 2000 ? `${value.slice(0, 2000)}…` : value;
  const hidden = new Set([...ALWAYS, ...extra.map((k) => k.toLowerCase())]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const norm = k.toLowerCase().replace(/[_-]/g, '');
    out[k] = hidden.has(norm) || hidden.has(k.toLowerCase()) || norm.endsWith('password') || norm.endsWith('secret') || norm.endsWith('token') ? '[redacted]' : redact(v, extra, depth + 1);
  }
  return out;
}
