/**
 * The signing secret of a webhook just created: the API shows it once, in the POST answer, and
 * the detail page it leads to shows it once (it is never put in the URL or stored).
 */
let pending: { id: string; secret: string } | null = null;

export function rememberSecret(id: string, secret: string): void {
  pending = { id, secret };
}

/** The secret of this webhook if it was just created; cleared by reading it. */
export function takeSecret(id: string): string | null {
  const found = pending?.id === id ? pending.secret : null;
  pending = null;
  return found;
}
