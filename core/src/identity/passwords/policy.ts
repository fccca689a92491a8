import { dictionary } from '@zxcvbn-ts/language-common';
import { ValidationError } from '@mpanel/sdk';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

// ~49k passwords seen most often in breaches (zxcvbn-ts's list), compared case-insensitively.
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'is too common';
  if (email && lower === email.toLowerCase()) return 'must not be the email address';
  return undefined;
}

/** Throws a 400 naming `field` when the password is refused. */
export function assertPasswordAcceptable(password: string, email?: string, field = 'password'): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new ValidationError({ [field]: problem });
}
