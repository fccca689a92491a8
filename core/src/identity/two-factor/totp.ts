import { Secret, TOTP } from 'otpauth';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../auth/secrets.ts';

function totpFor(secretBase32: string, label = 'mPanel'): TOTP {
  return new TOTP({ issuer: 'mPanel', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

/** A new TOTP secret (160 bits, base32) and its otpauth:// URL for authenticator apps. */
export function newTotpSecret(label: string): { secret: string; otpauthUrl: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUrl: totpFor(secret, label).toString() };
}

/** Accepts the current code and one step either side (clock drift). */
export function verifyTotp(secretBase32: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totpFor(secretBase32).validate({ token: code, window: 1 }) !== null;
}

/** The code for now (tests and tooling). */
export function currentTotp(secretBase32: string): string {
  return totpFor(secretBase32).generate();
}

/** Ten single-use recovery codes; only their hashes are stored. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex').replace(/^(.{5})/, '$1-'));
  return { codes, hashes: codes.map((c) => sha256(c)) };
}

export function recoveryHash(code: string): string {
  return sha256(code.trim().toLowerCase());
}
