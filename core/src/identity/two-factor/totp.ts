import { Secret, TOTP } from 'otpauth';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../auth/secrets.ts';

/** The sealed columns' field names, bound into their ciphertexts (see crypto/secret-box.ts). */
export const TOTP_FIELD = 'users.totp_secret';
export const TOTP_PENDING_FIELD = 'users.totp_pending_secret';

function totpFor(secretBase32: string, label = 'mPanel'): TOTP {
  return new TOTP({ issuer: 'mPanel', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

/** A new TOTP secret (160 bits, base32) and its otpauth:// URL for authenticator apps. */
export function newTotpSecret(label: string): { secret: string; otpauthUrl: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUrl: totpFor(secret, label).toString() };
}

const PERIOD_SECONDS = 30;

/**
 * The time-step (30-second counter) a code belongs to, accepting the current step and one either
 * side (clock drift); null when it matches none. Callers accept a step once (see `useTotpStep`).
 */
export function totpStep(secretBase32: string, code: string, timestamp = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, window: 1, timestamp });
  return delta === null ? null : Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
}

/** The code for a moment (now by default; tests and tooling). */
export function currentTotp(secretBase32: string, timestamp = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp });
}

/** Ten single-use recovery codes; only their hashes are stored. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex').replace(/^(.{5})/, '$1-'));
  return { codes, hashes: codes.map((c) => sha256(c)) };
}

export function recoveryHash(code: string): string {
  return sha256(code.trim().toLowerCase());
}
