import { ValidationError } from '@mpanel/sdk';

/** A hostname nginx can serve: lowercase labels, a letter TLD (or `xn--`), 253 characters at most. */
const HOSTNAME = /^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export function normaliseDomain(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, '');
}

export function domainProblem(domain: string): string | null {
  return HOSTNAME.test(domain) ? null : 'is not a valid domain name';
}

/** A domain field of a request: null stays null, anything else must be a valid domain (400 otherwise). */
export function checkedDomain(value: string | null | undefined, field = 'domain'): string | null {
  if (value === null || value === undefined) return null;
  const domain = normaliseDomain(value);
  const problem = domainProblem(domain);
  if (problem) throw new ValidationError({ [field]: problem });
  return domain;
}
