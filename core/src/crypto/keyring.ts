import { randomBytes } from 'node:crypto';

/** One AES-256 key and the id that sealed values carry, so a value names the key that opens it. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * The keys that seal stored secrets: the first seals, all open. `file` is where embedded mode keeps
 * generated keys (`DATA_DIR/encryption-keys`); unset when they come from MPANEL_ENCRYPTION_KEYS.
 */
export interface Keyring {
  keys: EncryptionKey[];
  file?: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `kid:base64key,kid2:base64key` (first = current); the error is the problem, for a ConfigError. */
export function parseKeys(value: string): EncryptionKey[] {
  const keys = value.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    if (at < 0 || !KEY_ID.test(id)) throw new Error(`must be a comma-separated list of keyid:base64key (key ids of letters, digits, _ and -), got "${entry.slice(0, 40)}"`);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes in base64 (openssl rand -base64 32), got ${key.length} bytes`);
    return { id, key };
  });
  if (!keys.length) throw new Error('must hold at least one keyid:base64key');
  const ids = new Set<string>();
  for (const { id } of keys) {
    if (ids.has(id)) throw new Error(`names key "${id}" twice`);
    ids.add(id);
  }
  return keys;
}

export function formatKeys(keys: EncryptionKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

/** A fresh key whose id (`k` + date, then a counter) is not among `existing`. */
export function newKey(existing: EncryptionKey[], now = new Date()): EncryptionKey {
  const base = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
  let id = base;
  for (let n = 2; existing.some((k) => k.id === id); n++) id = `${base}-${n}`;
  return { id, key: randomBytes(32) };
}
