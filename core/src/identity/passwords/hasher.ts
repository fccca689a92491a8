import { hash, verify, type Algorithm } from '@node-rs/argon2';

// OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1. (Algorithm is a const enum: 2 = Argon2id.)
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/** Verifies against a throw-away hash so an unknown email takes as long as a wrong password. */
export async function burnVerify(password: string): Promise<false> {
  dummy ??= hashPassword('mpanel-timing-equaliser');
  await verifyPassword(await dummy, password);
  return false;
}
