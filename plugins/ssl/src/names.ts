import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower case, no trailing dot; a problem in words or null. `*.` only as the whole first label. */
export function nameProblem(name: string): string | null {
  if (name.length > 253) return 'is longer than 253 characters';
  if (isIP(name)) return 'is an IP address: ACME certificates here are for host names';
  const labels = name.split('.');
  if (labels.length < 2) return 'must be a full host name (example.com)';
  const [first, ...rest] = labels;
  if (first !== '*' && !LABEL.test(first!)) return 'is not a valid host name';
  if (rest.some((l) => !LABEL.test(l))) return 'is not a valid host name (letters, digits and hyphens per label)';
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return 'has a numeric top-level label';
  return null;
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export const isWildcard = (name: string): boolean => name.startsWith('*.');
/** `*.example.com` → `example.com`: the identifier the CA validates. */
export const baseOf = (name: string): string => name.replace(/^\*\./, '');

/** Where the pre-flight asks: `1.1.1.1`, `127.0.0.1:5399`, `[::1]:53`. */
export function resolverFor(servers: string[]): Resolver {
  const r = new Resolver({ timeout: 3000, tries: 2 });
  if (servers.length) r.setServers(servers);
  return r;
}

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

/**
 * http-01 pre-flight: every name resolves (A/AAAA, through CNAMEs) and, when the server's address
 * is known, to that address. A failed validation burns the CA's limits (Let's Encrypt: 5 failures
 * per account, host name and hour), so a name that cannot pass is stopped here with a clear reason.
 */
export async function preflightHttp(resolver: Resolver, names: string[], server: { address: string | null; label: string }): Promise<void> {
  for (const name of names) {
    const answers: string[] = [];
    const errors: string[] = [];
    for (const rr of ['resolve4', 'resolve6'] as const) {
      try {
        answers.push(...(await resolver[rr](name)));
      } catch (err) {
        errors.push((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      }
    }
    if (!answers.length) {
      throw new PreflightError(`${name} does not resolve (${[...new Set(errors)].join(', ')}): create its A or AAAA record pointing at ${server.label} before requesting the certificate. The CA was not asked.`);
    }
    if (server.address && isIP(server.address) && !answers.includes(server.address)) {
      throw new PreflightError(`${name} points at ${answers.join(', ')}, but its website is on ${server.label} (${server.address}): fix its A/AAAA record. The CA was not asked.`);
    }
  }
}
